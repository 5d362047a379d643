"""Events of joint meetings (reg 14A and voluntary)."""
