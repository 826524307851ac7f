"""Pydantic schemas of the web API: ``XRequest`` validates input, ``XPublic`` is what is returned.

Requests validate types and documented ranges at the boundary and convert themselves to the
library's inputs (``to_core``, ``to_mapping``); the library then checks everything that depends
on several values at once (an opener larger than the target, a minimum that beats the target,
the caps) and raises :class:`~ditf.InvalidParameterError`, which the app answers with 422.
One module per resource (``base`` holds what they share); each is imported by name.
"""
