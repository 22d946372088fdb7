"""Counts prompt tokens. Uses OpenAI's tokenizer (tiktoken) and the lark parser: neither is TikTok."""

import tiktoken
from lark import Lark

GRAMMAR = Lark(r"start: WORD+  %import common.WORD %ignore ' '")


class TikTokStyleFeed:
    """A vertical feed UI, TikTok-style, with no TikTok code (see nottiktok.com and tiktok.com.example.org)."""

    def tokens(self, text: str) -> int:
        return len(tiktoken.get_encoding("cl100k_base").encode(text))
