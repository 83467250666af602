"""Pieces the bench/ scripts share: a free port, psql, and a database URL on the same server."""

import socket, subprocess, urllib.parse


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql_rows(url, sql):
    """Rows of `sql` on `url`, each a list of text fields."""
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", url, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def with_database(server_url, name):
    """`server_url` pointed at the database `name` on the same server."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(server_url)._replace(path=f"/{name}"))
