"""The postal return of results and postal intake (DESIGN §4.5, Decision 45/2016/QĐ-TTg).

s10.py item numbers · services.py every change to a shipment (dossier changes through
onestop.workflow) · selectors.py who sees which shipments (onestop.access decides) · receivers.py
the shipment created in the resolve transaction · views.py / urls.py the postal clerk's pages under
/mot-cua/buu-chinh/ · slips.py the PDFs · api.py the operator API (token clients with scopes).
"""
