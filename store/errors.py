"""The one base class of the errors whose message is meant for the user.

The command line prints these as one line without importing the store first: it looks this
module up in `sys.modules`, since the store can only have raised one if it was loaded.
"""


class UserError(Exception):
    """Something the user can act on; `str(error)` says what, in their words."""
