"""Citizen satisfaction evaluation of a returned dossier (issue #12; REFERENCE.md's twelve criteria).

    rules.py      how long an evaluation stays revisable, which answers count as "satisfied"
    services.py   evaluation_submit (the applicant, or the public tracking page once the code and
                  verifier matched), evaluation_record_at_counter (the desk), evaluation_answer
                  (the agency answers a comment) — each recorded as a dossier event through the core
    selectors.py  the evaluation of a dossier and what a user may do with it; the figures per
                  agency, unit and officer (satisfaction_summary …) for the statistics
    tokens.py     the signed pass the tracking page hands to the evaluation form
    forms.py, views.py, urls.py   the back office's counter recording and answer (/mot-cua/…)

The citizen's pages (their dossier, /tra-cuu/) live in portal.submission and call these.
"""
