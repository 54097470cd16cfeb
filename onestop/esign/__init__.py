"""Digitally signed e-results (issue 13; Decree 30/2020/NĐ-CP on electronic documents, Decree
130/2018/NĐ-CP on digital signatures; Decree 45/2020/NĐ-CP: an electronic result has the legal value
of paper when it is signed by the issuing agency).

* `pki` — the test PKI of the demo and the tests (a CA and one certificate per agency, PKCS#12);
* `signing` — PAdES signature of a result PDF with the issuing agency's certificate, a visible stamp
  (agency, signer, time) and a QR code to the verification page;
* `verification` — validates a PDF (pyHanko's validator, trust roots from ESIGN_TRUST_ROOTS) and
  tells which agency signed it, when, for which dossier, whether it was tampered with or revoked.
"""
