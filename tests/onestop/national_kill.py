"""A transport for the kill test: the national side accepts the record, then this process is SIGKILLed
before it can write down that it was sent (tests/onestop/test_national_sync.py)."""

import os
import signal

from onestop.national.transports import HttpTransport


class SendThenDie(HttpTransport):
    def send(self, records):
        super().send(records)
        os.kill(os.getpid(), signal.SIGKILL)
