"""Dư Luận — hear, act on and measure public opinion for a Vietnamese province."""

__version__ = "0.1.0"
