"""
One office's deployment (*triển khai*), configured once: store, rules, seal key, language, office.

Every face of ketnap (the ``ketnap`` command, the example web application, an embedding
application) builds its `ketnap.Application` from one `Deployment`, so the office's
local rules, its store and its signer are the same wherever it works. A deployment is
read from ``ketnap.toml``::

    store = "district.db"                 # or "postgresql://user@host/db#schema"
    rulebook = "office_rules:WORKFLOW"    # package.module:attribute, a Workflow or a Law
    seal_key_file = "/etc/ketnap/seal.key"
    anchor_file = "/mnt/register/anchor"  # the journal's anchor, recorded outside the store
    lang = "vi"

    [office]
    place = "Yên Lạc"
    signer = "Nguyễn Văn A"
    signer_title = "BÍ THƯ"

Where each value comes from, first found wins: what the caller gives (a command-line
option), the environment (``KETNAP_STORE``; the seal key from ``KETNAP_SEAL_KEY`` or the
file ``KETNAP_SEAL_KEY_FILE`` names), the file (``--config``, else ``KETNAP_CONFIG``, else
``ketnap.toml`` in the working directory), the defaults (the shipped rules, Vietnamese).

>>> deployment = Deployment()
>>> deployment.lang, deployment.store
('vi', None)
"""

from __future__ import annotations

import importlib
import os
import re
import stat
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final, get_args

import attrs

from ketnap.application import Application
from ketnap.derived import facts_for
from ketnap.errors import InvalidInput, KetnapError, StoreError
from ketnap.forms import Signature
from ketnap.inputs import LIMITS, open_input
from ketnap.law import Law
from ketnap.messages import Lang
from ketnap.storage import LayoutUpgrade, SQLiteStore, Store
from ketnap.storage.base import check_anchor
from ketnap.workflow import Workflow

if TYPE_CHECKING:
    from ketnap.storage.postgres import PostgresStore

__all__ = [
    "CONFIG_ENV",
    "CONFIG_FILE",
    "SEAL_KEY_ENV",
    "SEAL_KEY_FILE_ENV",
    "STORE_ENV",
    "ConfigError",
    "Deployment",
    "show_store",
]

CONFIG_FILE: Final = "ketnap.toml"
"""The configuration file read from the working directory when none is named."""
CONFIG_ENV: Final = "KETNAP_CONFIG"
"""The environment variable naming the configuration file."""
STORE_ENV: Final = "KETNAP_STORE"
"""The environment variable naming the store (a file, or a postgresql:// address)."""
SEAL_KEY_ENV: Final = "KETNAP_SEAL_KEY"
"""The environment variable holding the seal key itself."""
SEAL_KEY_FILE_ENV: Final = "KETNAP_SEAL_KEY_FILE"
"""The environment variable naming a file holding the seal key."""

_KEYS: Final = frozenset({"store", "rulebook", "seal_key_file", "anchor_file", "lang", "office"})
_OFFICE_KEYS: Final = frozenset({"place", "signer", "signer_title"})
_SERVER: Final = ("postgresql://", "postgres://")
_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# A libpq connection string (``host=... password=...``): never taken for a file's name.
_CONNINFO: Final = re.compile(
    r"(?:^|\s)(?:host|hostaddr|port|dbname|user|password|passfile|sslmode|service)\s*=",
    re.IGNORECASE,
)
_ANCHOR_MAX: Final = 1024
_SEAL_KEY_MIN: Final = 16
_SEAL_KEY_MAX: Final = 4096


class ConfigError(KetnapError):
    """
    The deployment's configuration is wrong; nothing was opened.

    Attributes:
        key: the setting at fault (``rulebook``, ``office.place``, ``store`` ...).
        reason: what is wrong with it.
        source: where it was read (a file, an environment variable), when known.
    """

    def __init__(self, key: str, reason: str, source: str | None = None) -> None:
        self.key = key
        self.reason = reason
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{key}: {reason}")


def _split_server(where: str) -> tuple[str, str]:
    """
    A server address and its schema (``#schema`` at the end; empty when not given).

    Raises:
        ConfigError: a ``#`` that may end the password as well as the address (it
            follows a ``password=`` parameter).
    """
    # The schema is after the last "#", and only if it is a schema's name: a "#" inside a
    # password must never cut the address there (and so print the rest of it).
    url, hash_mark, schema = where.rpartition("#")
    if hash_mark and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", schema):
        if re.search(r"(?:^|&)password=[^&]*$", url.partition("?")[2], re.IGNORECASE):
            # "?password=ab#cd": the password "ab#cd", or "ab" and the schema "cd"? Never
            # guessed: a wrong guess would print half of the password as a schema's name.
            raise ConfigError(
                "store",
                "a '#' follows the address's password: percent-encode a '#' inside it"
                " (%23), or give the password in PGPASSWORD or ~/.pgpass",
            )
        return url, schema
    return where, ""


def show_store(where: str) -> str:
    """
    A store's location as it may be printed: an address without any secret.

    Only the user, host, port, database and schema of a ``postgresql://`` address (or of
    an address of another scheme) are kept; a password, wherever it is written, and
    every query parameter are dropped. Of a libpq connection string
    (``host=... password=...``) only the host, port, database and user are kept.

    >>> show_store("postgresql://clerk:s3cret@db.local:5432/ketnap?sslmode=require#yl")
    'postgresql://clerk@db.local:5432/ketnap#yl'
    >>> show_store("host=db.local user=clerk password=s3cret dbname=ketnap")
    'host=db.local user=clerk dbname=ketnap'
    """
    if not _URL.match(where):
        if _CONNINFO.search(where):
            return " ".join(
                re.findall(r"(?<!\S)(?:host|hostaddr|port|dbname|user)=[^\s'\\]+", where)
            )
        return where
    try:
        url, schema = _split_server(where)
    except ConfigError:  # the "#" may be the password's: neither shown
        url, schema = where.rpartition("#")[0], ""
    scheme, _, rest = url.partition("://")
    rest = rest.partition("?")[0]
    if "@" in rest:
        user_part, _, after = rest.rpartition("@")
        host, _, database = after.partition("/")
        user = user_part.partition(":")[0]  # the last "@" ends a password holding "@"
    else:
        host, _, database = rest.partition("/")
        user = ""
    shown = f"{scheme}://{user + '@' if user else ''}{host}/{database}"
    return shown + (f"#{schema}" if schema else "")


def _rulebook(spec: str, *, source: str | None, base: Path | None) -> Workflow:
    """Import ``package.module:attribute``: a `Workflow`, or a `Law` the workflow runs."""
    module_name, colon, attribute = spec.partition(":")
    if (
        not colon
        or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", module_name)
        or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", attribute)
    ):
        raise ConfigError("rulebook", f"{spec!r} is not package.module:attribute", source)
    beside = _trusted_beside(base, module_name.partition(".")[0], source)
    # A module beside the configuration file is found, as it is from its own folder.
    added = base is not None and beside is not None and str(base) not in sys.path
    if added:
        sys.path.insert(0, str(base))
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - whatever the office's module raises, named
        raise ConfigError(
            "rulebook", f"module {module_name!r} does not import ({type(exc).__name__}: {exc})",
            source,
        ) from None  # fmt: skip
    finally:
        if added:
            sys.path.remove(str(base))
    value: object = module
    for part in attribute.split("."):
        if not hasattr(value, part):
            raise ConfigError("rulebook", f"{module_name!r} has no attribute {attribute!r}", source)
        value = getattr(value, part)
    if isinstance(value, Workflow):
        return value
    if isinstance(value, Law):
        return Workflow(value)
    raise ConfigError(
        "rulebook",
        f"{spec} is a {type(value).__name__}, not a ketnap Workflow or Law",
        source,
    )


def _trusted_beside(base: Path | None, top: str, source: str | None) -> Path | None:
    """
    The file of module or package *top* beside the configuration file, once trusted.

    Raises:
        ConfigError: the folder or the file may be changed by another user, or another
            module of that name is already loaded in this process.
    """
    if base is None:
        return None
    beside = next(
        (c for c in (base / f"{top}.py", base / top / "__init__.py") if c.is_file()), None
    )
    if beside is None:
        return None
    # Code found beside the configuration file is run: only from files nobody else may
    # change (as ssh refuses a group-writable authorized_keys), so a folder one happens
    # to run ketnap in cannot make it run a stranger's module.
    for path in (base, beside):
        if why := _untrusted(path):
            raise ConfigError("rulebook", f"{path} {why}: its code is not run", source)
    loaded = sys.modules.get(top)
    origin = getattr(loaded, "__file__", None)
    if loaded is not None and (origin is None or Path(origin).resolve() != beside.resolve()):
        # One process, one module per name: a second office's rulebook of the same name
        # would silently be the first one's.
        raise ConfigError(
            "rulebook", f"another module named {top!r} is already loaded in this process",
            source,
        )  # fmt: skip
    return beside


def _untrusted(path: Path) -> str | None:
    """Why code at *path* must not be run: writable by others, or owned by another user."""
    info = path.stat()
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "is writable by other users"
    if hasattr(os, "getuid") and info.st_uid not in {os.getuid(), 0}:
        return "belongs to another user"
    return None


def _text(data: Mapping[str, object], key: str, label: str, source: str | None) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(label, f"expected text, got {type(value).__name__}", source)
    if len(value) > LIMITS.text_chars or any(ord(c) < 32 for c in value):
        raise ConfigError(label, "not a single line of text of reasonable length", source)
    return value


def _lang(value: str | None, source: str | None) -> Lang | None:
    if value is None:
        return None
    if value not in get_args(Lang):
        raise ConfigError("lang", f"expected one of {', '.join(get_args(Lang))}", source)
    return value  # type: ignore[return-value]  # checked against Lang's values above


@attrs.frozen(kw_only=True)
class Deployment:
    """
    An office's ketnap, configured once: every face opens its `Application` from it.

    Attributes:
        store: the SQLite file or ``postgresql://`` address; None when not configured.
        workflow: the rules in force and the process (the configured rulebook, or the
            shipped rules).
        rulebook: the ``package.module:attribute`` the workflow came from (None: shipped).
        seal_key_file: the file holding the store's seal key.
        anchor_file: the file holding the save journal's anchor as recorded outside
            the store (``ketnap anchor`` prints it), which ``ketnap verify`` checks.
        lang: the language of what is printed and written for a person.
        signature: the place and the signer written on forms (the ``[office]`` table).
        source: the configuration file read, if any.
    """

    store: str | None = None
    workflow: Workflow = attrs.field(factory=Workflow)
    rulebook: str | None = None
    seal_key_file: Path | None = None
    anchor_file: Path | None = None
    lang: Lang = "vi"
    signature: Signature = attrs.field(factory=Signature)
    source: Path | None = None

    @property
    def law(self) -> Law:
        """The law in force: rule sets, process, calendar."""
        return self.workflow.law

    @classmethod
    def load(
        cls,
        config: Path | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        store: str | None = None,
        lang: Lang | None = None,
    ) -> Deployment:
        """
        Read the deployment: *config* (else ``KETNAP_CONFIG``, else ``./ketnap.toml``).

        *store* and *lang* are what the caller was given explicitly (command-line
        options); they win over the environment and the file.

        Raises:
            ConfigError: the file is unreadable or not TOML, has an unknown key or a
                value of the wrong type, or its rulebook does not import or is not a
                `Workflow` or `Law`; the error names the key.
        """
        env = os.environ if environ is None else environ
        folder = cwd or Path.cwd()
        named = config or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
        path = named if named is not None else folder / CONFIG_FILE
        data: dict[str, object] = {}
        source: Path | None = None
        if named is not None or path.is_file():
            source = path if path.is_absolute() else folder / path
            data = _read_toml(source)
        where = None if source is None else str(source)
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise ConfigError(
                unknown[0], f"unknown setting (known: {', '.join(sorted(_KEYS))})", where
            )
        office_data = data.get("office", {})
        if not isinstance(office_data, dict):
            raise ConfigError("office", "expected a table ([office])", where)
        extra = sorted(set(office_data) - _OFFICE_KEYS)
        if extra:
            raise ConfigError(f"office.{extra[0]}", "unknown setting", where)
        office_values = {
            key: value
            for key in sorted(_OFFICE_KEYS)
            if (value := _text(office_data, key, f"office.{key}", where)) is not None
        }
        base = None if source is None else source.parent
        spec = _text(data, "rulebook", "rulebook", where)
        workflow = Workflow() if spec is None else _rulebook(spec, source=where, base=base)
        key_file = _text(data, "seal_key_file", "seal_key_file", where)
        anchor_file = _text(data, "anchor_file", "anchor_file", where)
        configured_store = _text(data, "store", "store", where)
        if configured_store and base is not None and not configured_store.startswith(_SERVER):
            configured_store = str(base / configured_store)  # relative to the file
        from_env = env.get(STORE_ENV) or None
        # The file's language is checked even when an option overrides it.
        configured_lang = _lang(_text(data, "lang", "lang", where), where)
        return cls(
            store=store if store is not None else from_env or configured_store,
            workflow=workflow,
            rulebook=spec,
            seal_key_file=None if key_file is None else (base or folder) / key_file,
            anchor_file=None if anchor_file is None else (base or folder) / anchor_file,
            lang=_lang(lang, "--lang") or configured_lang or "vi",
            signature=Signature(**office_values),
            source=source,
        )

    def seal_key(self, environ: Mapping[str, str] | None = None) -> bytes | None:
        """
        The store's seal key; never from a command line, never printed.

        Read from ``KETNAP_SEAL_KEY``, else the file ``KETNAP_SEAL_KEY_FILE`` names, else
        ``seal_key_file``.

        Raises:
            ConfigError: both variables are set, the file is not a regular file or
                cannot be read, or the key is shorter than 16 bytes.
        """
        env = os.environ if environ is None else environ
        value = env.get(SEAL_KEY_ENV)
        named = env.get(SEAL_KEY_FILE_ENV)
        if value and named:
            raise ConfigError(SEAL_KEY_ENV, f"set {SEAL_KEY_ENV} or {SEAL_KEY_FILE_ENV}, not both")
        if named:
            key = _read_key(Path(named), SEAL_KEY_FILE_ENV)
        elif value:
            key = value.encode()
        elif self.seal_key_file is not None:
            key = _read_key(self.seal_key_file, "seal_key_file")
        else:
            return None
        if len(key) < _SEAL_KEY_MIN:
            raise ConfigError("seal_key", f"shorter than {_SEAL_KEY_MIN} bytes")
        return key

    def recorded_anchor(
        self, anchor: str | None = None, *, anchor_file: Path | None = None
    ) -> str | None:
        """
        The save journal's anchor recorded outside the store, to verify it against.

        *anchor* itself (``ketnap verify --anchor``), else the one the file *anchor_file*
        holds (``--anchor-file``), else the one in ``anchor_file`` of the configuration;
        None when none is given. A file holds the anchor as ``ketnap anchor`` printed it.

        Raises:
            ConfigError: the value is not an anchor, or the file is not a small regular
                file; the error names where it came from, never quotes it.
        """
        if anchor is not None:
            label, text = "--anchor", anchor
        else:
            label = "--anchor-file" if anchor_file is not None else "anchor_file"
            path = anchor_file or self.anchor_file
            if path is None:
                return None
            try:
                text = _read_small(path, label, _ANCHOR_MAX).decode().strip()
            except UnicodeDecodeError:
                raise ConfigError(label, "not an anchor (not text)") from None
        try:
            return check_anchor(text.strip())
        except InvalidInput as exc:
            raise ConfigError(label, exc.reason) from None

    def open_store(
        self, *, create: bool = False, environ: Mapping[str, str] | None = None
    ) -> Store:
        """
        Open the configured store with this deployment's process, rules, facts and key.

        *create* makes a SQLite file that does not exist yet; without it only an
        existing ketnap store is opened.

        Raises:
            ConfigError: no store is configured, or the store holds dossiers at a stage
                the rulebook's process does not know.
            StoreError: the store cannot be opened.
        """
        opened = self._open_store(create=create, environ=environ)
        try:
            self._check_stages(opened)
        except BaseException:
            opened.close()
            raise
        return opened

    def migrate(
        self, *, trust_unsealed: bool = False, environ: Mapping[str, str] | None = None
    ) -> LayoutUpgrade | None:
        """
        Bring the configured store's tables to this ketnap's layout; say what changed.

        Opening a store migrates it too, except a SQLite file at layout 1: that layout
        sealed no quota, course or tree and kept no save journal, so ketnap migrates it
        only when told the file is genuine (*trust_unsealed*; ``ketnap migrate
        --trust-unsealed``). Its dossiers' layout-1 seals and documents are still
        verified; its quotas, courses and tree are sealed as they stand
        (`LayoutUpgrade.trusted` counts them). Record the store's new anchor afterwards.

        Returns:
            What changed; None when the store was at this layout already.

        Raises:
            StoreError: the store cannot be opened, is at layout 1 and *trust_unsealed*
                is not given, or a layout-1 dossier fails its seal; nothing is changed.
        """
        opened = self._open_store(create=False, environ=environ, trust_unsealed=trust_unsealed)
        opened.close()
        return opened.upgrade

    def _open_store(
        self,
        *,
        create: bool,
        environ: Mapping[str, str] | None,
        trust_unsealed: bool = False,
    ) -> SQLiteStore | PostgresStore:
        if self.store is None:
            raise ConfigError(
                "store", f"no store given: --store, {STORE_ENV}, or store in {CONFIG_FILE}"
            )
        key = self.seal_key(environ)
        law = self.law
        options = {
            "process": law.process,
            "regulations": law.regulations,
            "facts": facts_for(law),
            "seal_key": key,
            "create": create,
        }
        # The store is named in messages only through show_store: an address may hold a
        # password, in any of its parts.
        shown = show_store(self.store)
        if self.store.startswith(_SERVER):
            from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415 - the extra's

            url, schema = _split_server(self.store)
            return PostgresStore(url, schema=schema or "ketnap", **options)  # type: ignore[arg-type]
        if self.store in {"", ":memory:"} or self.store.startswith("file:"):
            raise ConfigError("store", f"{shown!r} is not a store file")
        if _URL.match(self.store):
            raise ConfigError(
                "store", f"{shown!r} is neither a store file nor a postgresql:// address"
            )
        if _CONNINFO.search(self.store):
            raise ConfigError(
                "store",
                "a libpq connection string (host=... dbname=...) is not a store file: give"
                " a postgresql:// address, its password in PGPASSWORD or ~/.pgpass",
            )
        path = Path(self.store)
        if not create and not path.exists():
            raise StoreError(f"no store at {self.store}")
        return SQLiteStore(path, trust_unsealed=trust_unsealed, **options)  # type: ignore[arg-type]

    def _check_stages(self, store: Store) -> None:
        process = self.law.process
        unknown = sorted(set(store.stages()) - set(process.stage_codes))
        if unknown:
            names = ", ".join(repr(code) for code in unknown)
            raise ConfigError(
                "rulebook",
                f"the store holds dossiers at stage {names}, which the process of "
                f"{self.rulebook or 'the shipped rules'} does not know",
                None if self.source is None else str(self.source),
            )

    def open(
        self, *, create: bool = False, environ: Mapping[str, str] | None = None
    ) -> Application:
        """Open the configured store and return the office's `Application` over it."""
        return Application(
            self.open_store(create=create, environ=environ),
            self.workflow,
            lang=self.lang,
            signature=self.signature,
        )

    def describe(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The configuration in force, as text, without any secret (``ketnap config``)."""
        env = os.environ if environ is None else environ
        key = (
            SEAL_KEY_ENV if env.get(SEAL_KEY_ENV)
            else SEAL_KEY_FILE_ENV if env.get(SEAL_KEY_FILE_ENV)
            else str(self.seal_key_file) if self.seal_key_file else "-"
        )  # fmt: skip
        return {
            "config": str(self.source) if self.source else "-",
            "store": show_store(self.store) if self.store else "-",
            "rulebook": self.rulebook or "-",
            "regulations": ", ".join(r.code for r in self.law.regulations),
            "process": self.law.process.name.render(self.lang),
            "seal_key": key,
            "anchor_file": str(self.anchor_file) if self.anchor_file else "-",
            "lang": self.lang,
            "office.place": self.signature.place or "-",
            "office.signer": self.signature.signer or "-",
            "office.signer_title": self.signature.signer_title,
        }


_CONFIG_BYTES: Final = 1 << 20


def _read_toml(path: Path) -> dict[str, object]:
    where = str(path)
    absent = "no such file (or not a regular file)"
    raw = _read_small(
        path, "config", _CONFIG_BYTES, source=where, absent=absent, irregular=absent,
        over="larger than",
    )  # fmt: skip
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("config", "not UTF-8 text", where) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", f"not TOML ({exc})", where) from None


def _read_key(path: Path, label: str) -> bytes:
    return _read_small(path, label, _SEAL_KEY_MAX).strip()


def _read_small(
    path: Path,
    label: str,
    limit: int,
    *,
    source: str | None = None,
    absent: str = "not a regular file (no such file)",
    irregular: str = "not a regular file",
    over: str = "longer than",
) -> bytes:
    """A small regular file's bytes (read through `open_input`), or `ConfigError` naming *label*."""
    try:
        file = open_input(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ConfigError(label, absent, source) from None
    except InvalidInput:  # a FIFO or a device would block or never end
        raise ConfigError(label, irregular, source) from None
    except OSError as exc:
        raise ConfigError(label, f"cannot read ({exc.strerror})", source) from None
    with file:
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise ConfigError(label, f"cannot read ({exc.strerror})", source) from None
    if len(data) > limit:
        raise ConfigError(label, f"{over} {limit:,} bytes", source)
    return data
