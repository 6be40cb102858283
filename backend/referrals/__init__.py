"""Referral cases (涉嫌犯罪案件移送): a check's suspected crime, from verification to the police's receipt."""
