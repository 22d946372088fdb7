"""tiktok-scan: find the use of TikTok's code, SDKs and services in source, dependencies and binaries."""

__version__ = "0.1.0"
