"""Test helper: complete a 17-character prefix with its GB 32100 check digit."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def make_uscc(prefix17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(prefix17, WEIGHTS, strict=True))
    return prefix17 + ALPHABET[(31 - total % 31) % 31]
