"""The clock of tests whose rules look at today (time-machine: Python's clocks, also in a live
server's thread)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def clock_at(day: dt.date):
    """The clock on ``day`` at 09:00 in Shanghai, moving on from there."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), tick=True)
