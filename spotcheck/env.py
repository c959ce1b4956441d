"""Typed readers for settings that come only from the environment.

Each helper fails loudly on a value it cannot parse, so a typo in a deployment is an error at
start-up, not a silent default. ``NAME_FILE`` may point to a file holding a secret.
"""

import ipaddress
import os
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    pass


def env_str(name: str, default: str) -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise EnvError(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def env_ip_networks(name: str, default: list[IPNetwork]) -> list[IPNetwork]:
    """Comma-separated IP addresses or CIDR networks (``127.0.0.1, 10.0.0.0/8, ::1``); an
    address with host bits under its mask (``10.0.0.1/24``) is refused as the typo it likely is."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as exc:
            raise EnvError(f"{name}: {item!r} is not an IP address or network ({exc})") from exc
    return networks
