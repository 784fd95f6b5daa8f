"""Huiyuan (会员): a configurable VIP membership and loyalty engine for Chinese retail."""

__version__ = "0.1.0"
