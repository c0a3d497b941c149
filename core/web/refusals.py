"""A refused change as the pages show it: one message, led by the rule's code."""

# Member development's and the party-wide rules (R-codes, § of the regulations).
RULE_CODES = ("R", "§")


def refusal(error, codes=RULE_CODES):
    """The ValidationError's messages as one line, led by its rule's code when a rule
    whose code starts with one of `codes` refused it."""
    text = " ".join(error.messages)
    rule = getattr(error, "rule", "")
    return f"[{rule}] {text}" if rule.startswith(codes) else text
