"""A small PKI for the demo and the tests: a root CA and one signing certificate per agency.

Production uses the certificates the government CA (Ban Cơ yếu Chính phủ) issues to each agency,
configured as PKCS#12 files (docs/integration.md); nothing here is used then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Valid from a year back: the demo's results are signed at the seeded moments of its history (days and
# weeks back, portal.demo.clock), which must fall inside the certificates' validity.
VALID_SINCE = dt.timedelta(days=365)


def _cut(text: str, limit: int = 64) -> str:
    return text.encode()[:limit].decode(errors="ignore").rstrip()


def _name(common_name: str, organisation: str, unit: str = "") -> x509.Name:
    # X.509 limits these attributes to 64 (cryptography counts UTF-8 bytes; RFC 5280 ub-common-name,
    # ub-organization-name): long agency names are cut — the verification page names the agency from
    # the province's own record.
    common_name, organisation, unit = _cut(common_name), _cut(organisation), _cut(unit)
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def make_ca(name: str = "CA thử nghiệm Dịch vụ công (demo)", *, years: int = 10):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    subject = _name(name, "Cổng Dịch vụ công (demo)")
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - VALID_SINCE)
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, cert


def make_agency_certificate(ca_key, ca_cert, *, agency_name: str, agency_code: str, years: int = 3):
    """An agency's signing certificate (O = the agency, OU = its code), signed by the CA."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(agency_name, agency_name, agency_code))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - VALID_SINCE)
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    return key, cert


def write_pkcs12(path: Path, key, cert, ca_cert, password: str) -> None:
    data = pkcs12.serialize_key_and_certificates(
        name=cert.subject.rfc4514_string().encode(),
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)


def write_certificate(path: Path, cert) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def demo_pki(folder: Path, agencies, password: str) -> Path:
    """A CA (folder/ca.pem) and folder/<agency code>.p12 for each agency; returns the CA's path.
    Idempotent: an existing CA and existing agency files are kept."""
    ca_path, ca_key_path = folder / "ca.pem", folder / "ca.key.pem"
    if ca_path.exists() and ca_key_path.exists():
        ca_cert = x509.load_pem_x509_certificate(ca_path.read_bytes())
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    else:
        ca_key, ca_cert = make_ca()
        write_certificate(ca_path, ca_cert)
        ca_key_path.write_bytes(
            ca_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        ca_key_path.chmod(0o600)
    for agency in agencies:
        target = folder / f"{agency.code}.p12"
        if not target.exists():
            key, cert = make_agency_certificate(ca_key, ca_cert, agency_name=agency.name, agency_code=agency.code)
            write_pkcs12(target, key, cert, ca_cert, password)
    return ca_path
