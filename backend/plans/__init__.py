"""Annual random-check plans (R3): drafted, filed with the lead bureau by 31 January, published, adjusted."""
