"""Server-side conversions: sends purchase events to the TikTok Events API."""

import os
import time

import requests

EVENTS_URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/"
USER_INFO_URL = "https://open.tiktokapis.com/v2/user/info/"


def send_purchase(order_id: str, value: float) -> None:
    body = {
        "event_source": "web",
        "event_source_id": os.environ["TIKTOK_PIXEL_ID"],
        "data": [{"event": "CompletePayment", "event_time": int(time.time()),
                  "properties": {"order_id": order_id, "value": value, "currency": "USD"}}],
    }
    requests.post(EVENTS_URL, json=body, headers={"Access-Token": os.environ["TIKTOK_TOKEN"]}, timeout=10)


def creator_profile(token: str) -> dict:
    response = requests.get(USER_INFO_URL, params={"fields": "open_id,display_name"},
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return response.json()
