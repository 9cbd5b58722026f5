"""Encrypt store secrets with KMS, bound to their store by the encryption context."""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

import boto3


class KmsVault:
    """Ciphertexts only decrypt for the store they were made for (EncryptionContext)."""

    def __init__(self, key_id: str, client: Any | None = None) -> None:
        self._key_id = key_id
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("kms")
        return self._client

    def encrypt(self, store_hash: str, plaintext: str) -> str:
        blob = self.client.encrypt(
            KeyId=self._key_id,
            Plaintext=plaintext.encode(),
            EncryptionContext={"store_hash": store_hash},
        )["CiphertextBlob"]
        return base64.b64encode(blob).decode()

    def decrypt(self, store_hash: str, ciphertext: str) -> str:
        return _decrypt(self, store_hash, ciphertext)


@lru_cache(maxsize=256)
def _decrypt(vault: KmsVault, store_hash: str, ciphertext: str) -> str:
    # Cached per container: a warm function decrypts a store's token once, not on every call.
    plaintext: bytes = vault.client.decrypt(
        CiphertextBlob=base64.b64decode(ciphertext),
        EncryptionContext={"store_hash": store_hash},
    )["Plaintext"]
    return plaintext.decode()
