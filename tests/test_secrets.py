"""transforms.secrets: one source for the salt and the recovery keys, read on the workers, cached by value.

Also: the start-up checks every launch shares (:meth:`PipelineConfig.check_secrets`), and ``transforms/``
importing without Apache Beam (it reads files only through the reader it is given).
"""
from __future__ import annotations

import base64
import logging
import pickle
import subprocess
import sys
import textwrap

import pytest

from snowplow_beam.beam_pipeline.files import BEAM_FILES
from snowplow_beam.beam_pipeline.launcher import ConfigurationError
from snowplow_beam.recover.__main__ import recover
from snowplow_beam.transforms.config import PipelineConfig
from snowplow_beam.transforms.pseudonymize import Pseudonymizer
from snowplow_beam.transforms.recovery import key_id
from snowplow_beam.transforms.secrets import RECOVERY_KEY_ENV, SALT_ENV, SecretSource, SecretUnavailable, read_salt
from tests.helpers import POLICY, good_row, hmac_hex

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))
SALT_A = b"first-salt-of-16-bytes"


# ---- the salt -------------------------------------------------------------------------------------------

@pytest.fixture
def no_env_salt(monkeypatch):
    monkeypatch.delenv(SALT_ENV, raising=False)


@pytest.mark.parametrize("content, salt", [
    (b"s3cret-0123456789\n", b"s3cret-0123456789"),
    (b"s3cret-0123456789\r\n", b"s3cret-0123456789"),
    (b"s3cret-0123456789", b"s3cret-0123456789"),
    (b"s3cret-0123456789\n\n", b"s3cret-0123456789\n"),  # only the trailing newline goes
    (b" s3cret-0123456789 \n", b" s3cret-0123456789 "),  # other whitespace is part of the secret
    (b"\xff\x00binary-0123456789\n", b"\xff\x00binary-0123456789"),
])
def test_salt_file_without_its_trailing_newline(tmp_path, no_env_salt, content, salt):
    path = tmp_path / "salt"
    path.write_bytes(content)
    source = SecretSource.salt(file=str(path))
    assert source.configured()
    assert read_salt(source, BEAM_FILES) == salt
    assert good_row(Pseudonymizer(POLICY, read_salt(source, BEAM_FILES)), {"user_id": "u1"}) == {"user_id": hmac_hex("u1", salt)}
    assert str(path) in source.describe()


def test_salt_from_the_environment(monkeypatch):
    monkeypatch.setenv(SALT_ENV, "env-salt-✓-long-enough")
    source = SecretSource.salt()
    assert source.configured()
    assert read_salt(source, BEAM_FILES) == "env-salt-✓-long-enough".encode("utf-8")
    assert SALT_ENV in source.describe()


def test_missing_salt_everywhere(no_env_salt):
    source = SecretSource.salt()
    assert not source.configured()
    with pytest.raises(SecretUnavailable) as caught:
        read_salt(source, BEAM_FILES)
    message = str(caught.value)
    for option in ("--salt_file", "--salt_secret_id", SALT_ENV):
        assert option in message


@pytest.mark.parametrize("content", [b"", b"\n", b"\r\n"])
def test_empty_salt_file(tmp_path, monkeypatch, content):
    monkeypatch.setenv(SALT_ENV, "env-salt-not-used-here")  # a file, once given, is the only source
    path = tmp_path / "salt"
    path.write_bytes(content)
    with pytest.raises(SecretUnavailable, match="empty or unset") as caught:
        read_salt(SecretSource.salt(file=str(path)), BEAM_FILES)
    assert "env-salt-not-used-here" not in str(caught.value)


def test_unreadable_salt_file_message_names_the_file_not_the_salt(tmp_path, monkeypatch):
    monkeypatch.setenv(SALT_ENV, "env-salt-not-used-here")
    missing = tmp_path / "missing-salt"
    with pytest.raises(SecretUnavailable) as caught:
        read_salt(SecretSource.salt(file=str(missing)), BEAM_FILES)
    assert str(missing) in str(caught.value)
    assert "env-salt-not-used-here" not in str(caught.value)


@pytest.mark.moto
def test_salt_from_secrets_manager_secret_string(secrets, caplog):
    secrets.create_secret(Name="pz/salt-string", SecretString="SecretStringSalt-93e1")
    caplog.set_level(logging.DEBUG)  # botocore logs response bodies at DEBUG: the secret must not be among them
    source = SecretSource.salt(secret_id="pz/salt-string", region="eu-west-1")
    assert source.configured()
    assert read_salt(source, BEAM_FILES) == b"SecretStringSalt-93e1"
    assert "pz/salt-string" in source.describe()
    assert "SecretStringSalt-93e1" not in caplog.text
    assert any(r.name.startswith("botocore") for r in caplog.records)  # botocore did log, just not the secret


@pytest.mark.moto
def test_salt_from_secrets_manager_secret_binary(secrets, caplog):
    secrets.create_secret(Name="pz/salt-binary", SecretBinary=b"\x00BinarySalt-0123\xfe")
    caplog.set_level(logging.DEBUG)
    salt = read_salt(SecretSource.salt(secret_id="pz/salt-binary", region="eu-west-1"), BEAM_FILES)
    assert salt == b"\x00BinarySalt-0123\xfe"
    assert good_row(Pseudonymizer(POLICY, salt), {"user_id": "u1"}) == {"user_id": hmac_hex("u1", salt)}
    assert "BinarySalt" not in caplog.text
    assert base64.b64encode(b"\x00BinarySalt-0123\xfe").decode() not in caplog.text


@pytest.mark.moto
def test_missing_secret(secrets):
    with pytest.raises(SecretUnavailable, match="pz/absent") as caught:
        read_salt(SecretSource.salt(secret_id="pz/absent", region="eu-west-1"), BEAM_FILES)
    assert "ResourceNotFound" in str(caught.value)


# ---- one source, a location only -----------------------------------------------------------------------

def test_a_source_is_where_a_secret_is_never_what(tmp_path, monkeypatch):
    monkeypatch.setenv(SALT_ENV, SALT_A.decode())
    (tmp_path / "salt").write_bytes(SALT_A + b"\n")
    for source in (SecretSource.salt(), SecretSource.salt(file=str(tmp_path / "salt")),
                   SecretSource.recovery_key(secret_id="pz/keys", region="eu-west-1")):
        assert pickle.loads(pickle.dumps(source)) == source  # it travels to the workers as it is
        assert SALT_A.decode() not in repr(source) + source.describe()
    assert SecretSource.salt().describe() == f"environment variable {SALT_ENV}"
    assert SecretSource.recovery_key().describe() == f"environment variable {RECOVERY_KEY_ENV}"
    assert SecretSource.recovery_key(file="s3://b/keys").describe() == "file s3://b/keys"
    assert SecretSource.salt(secret_id="pz/salt").describe() == "AWS Secrets Manager secret pz/salt"


def test_a_recovery_key_file_is_read_like_the_salt_file(tmp_path, fresh_workers):
    (tmp_path / "keys").write_text(f"{KEY_B.hex()}\r\n")
    assert SecretSource.recovery_key(file=str(tmp_path / "keys")).read(BEAM_FILES) == KEY_B.hex().encode()
    (tmp_path / "raw.key").write_bytes(KEY_A)  # 32 bytes as they are: one key
    config = PipelineConfig(files=BEAM_FILES, recovery=SecretSource.recovery_key(file=str(tmp_path / "raw.key")))
    assert config.recovery_keyring().key_ids == (key_id(KEY_A),)
    with pytest.raises(SecretUnavailable, match=f"cannot read the recovery key file {tmp_path}/absent"):
        SecretSource.recovery_key(file=str(tmp_path / "absent")).read(BEAM_FILES)


def test_a_location_needs_a_reader():
    with pytest.raises(ValueError, match="/run/secrets/salt"):
        PipelineConfig(salt=SecretSource.salt(file="/run/secrets/salt"))
    assert PipelineConfig().files is None  # the shipped defaults and the environment need none


# ---- cached by value ------------------------------------------------------------------------------------

def test_two_recovery_keys_in_one_process_give_two_keyrings(monkeypatch, fresh_workers):
    monkeypatch.setenv(SALT_ENV, SALT_A.decode())
    config = PipelineConfig()  # the key from the environment of the worker, as the salt
    monkeypatch.setenv(RECOVERY_KEY_ENV, KEY_A.hex())
    first, sealing_first = config.recovery_keyring(), config.pseudonymizer()
    monkeypatch.setenv(RECOVERY_KEY_ENV, base64.b64encode(KEY_B).decode())
    second, sealing_second = config.recovery_keyring(), config.pseudonymizer()
    assert (first.current_id, second.current_id) == (key_id(KEY_A), key_id(KEY_B))
    assert sealing_first is not sealing_second
    monkeypatch.setenv(RECOVERY_KEY_ENV, KEY_A.hex())  # the same value again: what was built from it is shared
    assert config.recovery_keyring() is first and config.pseudonymizer() is sealing_first
    monkeypatch.delenv(RECOVERY_KEY_ENV)
    assert config.recovery_keyring() is None and config.pseudonymizer() not in (sealing_first, sealing_second)


def test_one_salt_from_two_places_shares_one_pseudonymizer(tmp_path, monkeypatch, fresh_workers):
    monkeypatch.delenv(RECOVERY_KEY_ENV, raising=False)
    monkeypatch.setenv(SALT_ENV, SALT_A.decode())
    (tmp_path / "salt").write_bytes(SALT_A + b"\n")
    from_env = PipelineConfig().pseudonymizer()
    from_file = PipelineConfig(files=BEAM_FILES, salt=SecretSource.salt(file=str(tmp_path / "salt"))).pseudonymizer()
    assert from_env is from_file
    assert good_row(from_env, {"user_id": "u1"}) == {"user_id": hmac_hex("u1", SALT_A)}


# ---- the start-up checks ---------------------------------------------------------------------------------

@pytest.fixture
def no_env_secrets(monkeypatch, fresh_workers):
    monkeypatch.delenv(SALT_ENV, raising=False)
    monkeypatch.delenv(RECOVERY_KEY_ENV, raising=False)


def checked(tmp_path, salt: bytes = SALT_A + b"\n", keys: bytes | None = None,
            salt_source: SecretSource | None = None, recovery_source: SecretSource | None = None) -> None:
    """``check_secrets`` of a config with a salt file and a recovery key file (none when ``keys`` is None) of that
    content, or of the sources given."""
    (tmp_path / "salt").write_bytes(salt)
    if keys is not None:
        (tmp_path / "keys").write_bytes(keys)
    PipelineConfig(
        files=BEAM_FILES,
        salt=salt_source or SecretSource.salt(file=str(tmp_path / "salt")),
        recovery=recovery_source or SecretSource.recovery_key(file=str(tmp_path / "keys") if keys is not None else None),
    ).check_secrets()


def test_check_secrets_passes_what_the_workers_can_read(tmp_path, no_env_secrets):
    checked(tmp_path)
    checked(tmp_path, keys=f"# current\n{KEY_A.hex()}\n".encode())
    # Secrets Manager is not asked at start (the launcher may not hold the workers' permissions)
    checked(tmp_path, salt_source=SecretSource.salt(secret_id="pz/not-fetched", region="eu-west-1"),
            recovery_source=SecretSource.recovery_key(secret_id="pz/not-fetched", region="eu-west-1"))


@pytest.mark.parametrize("salt, keys, message", [
    (b"", None, "the file .*/salt is empty or unset"),
    (b"\n", None, "the file .*/salt is empty or unset"),
    (b"fifteen-bytes!!\n", None, "has 15 bytes; at least 16"),
    (SALT_A, b"# no key here\n", "no recovery key in the file .*/keys"),
    (SALT_A, b"Qsecret-not-a-key\n", r"recovery key 1 is not 32 bytes .*\(in the file .*/keys\)"),
])
def test_check_secrets_refuses_at_start_what_would_fail_on_every_worker(tmp_path, no_env_secrets, salt, keys,
                                                                          message):
    with pytest.raises(SecretUnavailable, match=message) as caught:
        checked(tmp_path, salt=salt, keys=keys)
    assert "Qsecret" not in str(caught.value)


def test_check_secrets_names_what_is_missing(tmp_path, no_env_secrets):
    with pytest.raises(SecretUnavailable) as caught:
        PipelineConfig().check_secrets()
    for option in ("--salt_file", "--salt_secret_id", SALT_ENV):
        assert option in str(caught.value)
    with pytest.raises(SecretUnavailable, match=f"the salt file {tmp_path}/absent does not exist"):
        checked(tmp_path, salt_source=SecretSource.salt(file=str(tmp_path / "absent")))
    with pytest.raises(SecretUnavailable, match=f"the recovery key file {tmp_path}/absent does not exist"):
        checked(tmp_path, recovery_source=SecretSource.recovery_key(file=str(tmp_path / "absent")))


def test_recover_refuses_an_empty_salt_at_start(tmp_path, no_env_secrets, monkeypatch):
    """Recover shares the pipeline's start-up checks: an empty salt file stops it before any worker starts."""
    monkeypatch.setenv(RECOVERY_KEY_ENV, KEY_A.hex())
    (tmp_path / "salt").write_bytes(b"\n")
    with pytest.raises(ConfigurationError, match="empty or unset"):
        recover(["--lake", str(tmp_path / "lake"), "--from", "2025-11-28T09", "--to", "2025-11-28T10",
                 "--salt_file", str(tmp_path / "salt")])


# ---- transforms/ without Beam ------------------------------------------------------------------------------

def test_every_module_of_transforms_imports_without_apache_beam():
    """``transforms/`` reads through the reader it is given: not one of its modules needs Beam."""
    script = textwrap.dedent("""
        import importlib, pkgutil, sys

        class NoBeam:
            def find_spec(self, name, path=None, target=None):
                if name == "apache_beam" or name.startswith("apache_beam."):
                    raise ImportError(f"{name} is hidden")
                return None

        sys.meta_path.insert(0, NoBeam())
        import snowplow_beam.transforms as transforms

        names = [module.name for module in pkgutil.walk_packages(transforms.__path__, "snowplow_beam.transforms.")]
        for name in names:
            importlib.import_module(name)
        assert not [name for name in sys.modules if name.split(".")[0] == "apache_beam"]
        print(len(names))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout) > 20  # the walk did find the package's modules
