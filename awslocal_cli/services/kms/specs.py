"""Key specs: which usages each allows and which algorithms each key spec and usage offer."""

from __future__ import annotations

_RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
]
_ECDSA = {"ECC_NIST_P256": "ECDSA_SHA_256", "ECC_NIST_P384": "ECDSA_SHA_384",
          "ECC_NIST_P521": "ECDSA_SHA_512", "ECC_SECG_P256K1": "ECDSA_SHA_256"}
# Key spec -> the key usages AWS allows for it (the first is what CreateKey defaults to).
_USAGES: dict[str, tuple[str, ...]] = {
    "SYMMETRIC_DEFAULT": ("ENCRYPT_DECRYPT",),
    "RSA_2048": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "RSA_3072": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "RSA_4096": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "ECC_NIST_P256": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_NIST_P384": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_NIST_P521": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_SECG_P256K1": ("SIGN_VERIFY",),
    "ECC_NIST_EDWARDS25519": ("SIGN_VERIFY",),
    "HMAC_224": ("GENERATE_VERIFY_MAC",),
    "HMAC_256": ("GENERATE_VERIFY_MAC",),
    "HMAC_384": ("GENERATE_VERIFY_MAC",),
    "HMAC_512": ("GENERATE_VERIFY_MAC",),
    "SM2": ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"),
    "ML_DSA_44": ("SIGN_VERIFY",),
    "ML_DSA_65": ("SIGN_VERIFY",),
    "ML_DSA_87": ("SIGN_VERIFY",),
    "ML_KEM_512": ("ENCAPSULATE_DECAPSULATE",),
    "ML_KEM_768": ("ENCAPSULATE_DECAPSULATE",),
    "ML_KEM_1024": ("ENCAPSULATE_DECAPSULATE",),
}
_LEGACY_SPECS = {"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384",
                 "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224",
                 "HMAC_256", "HMAC_384", "HMAC_512", "SM2"}


def _encryption_algorithms(spec: str, usage: str) -> list[str] | None:
    if usage != "ENCRYPT_DECRYPT":
        return None
    if spec == "SYMMETRIC_DEFAULT":
        return ["SYMMETRIC_DEFAULT"]
    if spec.startswith("RSA_"):
        return ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    if spec == "SM2":
        return ["SM2PKE"]
    return None


def _signing_algorithms(spec: str, usage: str) -> list[str] | None:
    if usage != "SIGN_VERIFY":
        return None
    if spec.startswith("RSA_"):
        return list(_RSA_SIGNING)
    if spec in _ECDSA:
        return [_ECDSA[spec]]
    if spec == "ECC_NIST_EDWARDS25519":
        return ["ED25519_SHA_512", "ED25519_PH_SHA_512"]
    if spec.startswith("ML_DSA_"):
        return ["ML_DSA_SHAKE_256"]
    if spec == "SM2":
        return ["SM2DSA"]
    return None


def _mac_algorithms(spec: str) -> list[str] | None:
    return ["HMAC_SHA_" + spec[5:]] if spec.startswith("HMAC_") else None


def _agreement_algorithms(usage: str) -> list[str] | None:
    return ["ECDH"] if usage == "KEY_AGREEMENT" else None


def _encapsulation_algorithms(usage: str) -> list[str] | None:
    return ["ML_KEM"] if usage == "ENCAPSULATE_DECAPSULATE" else None
