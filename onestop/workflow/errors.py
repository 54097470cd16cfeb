"""The error every action raises when its guard does not pass (DESIGN §4.1)."""


class TransitionError(Exception):
    """An action that is not allowed now; the message is shown to the user as it is."""
