"""Verifiable random draws of inspection targets and inspector teams (双随机抽取)."""
