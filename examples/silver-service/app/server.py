"""rates-api: exchange rates for the web shop, refreshed every minute."""

import time

import requests
from flask import Flask, jsonify

FEED = "https://rates.example.org/daily.json"
app = Flask(__name__)
_cache = {"rates": {}, "fetched": 0.0}


def rates():
    if time.time() - _cache["fetched"] > 60:
        _cache["rates"] = requests.get(FEED, timeout=5).json()["rates"]
        _cache["fetched"] = time.time()
    return _cache["rates"]


@app.get("/healthz")
def healthz():
    return "ok"


@app.get("/rates/<currency>")
def rate(currency):
    return jsonify({"currency": currency, "rate": rates().get(currency.upper())})
