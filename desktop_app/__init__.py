"""Offline desktop app for Vietnam's Community Learning Centres and the commune Hội Khuyến học."""

__version__ = "0.1.0"
