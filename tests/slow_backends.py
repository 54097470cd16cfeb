"""A slow SMS operator, for the tests that kill a worker in the middle of its work."""

import time

from onestop.notifications.sms import ConsoleSMSBackend


class SlowSMSBackend(ConsoleSMSBackend):
    def send(self, *, to: str, text: str) -> str:
        time.sleep(0.4)
        return super().send(to=to, text=text)
