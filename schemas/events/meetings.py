"""Events of joint meetings (reg 14A and voluntary), their responses, papers, minutes and actions."""
