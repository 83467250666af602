"""Pieces the bench/ scripts share: a free port, psql and the mariadb client, and a database URL
on the same server."""

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


def mysql_rows(url, sql):
    """Rows of `sql` on a `mysql://` (or `mariadb://`) `url`, each a list of text fields."""
    u = urllib.parse.urlsplit(url)
    cmd = ["mariadb", "-h", u.hostname or "127.0.0.1", "-P", str(u.port or 3306), "-u", u.username or "root",
           "-B", "-N", "-e", sql]
    if u.password:
        cmd.insert(1, f"-p{u.password}")
    if u.path.strip("/"):
        cmd.append(u.path.strip("/"))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def sql_rows(url, sql):
    """Rows of `sql` on a PostgreSQL or MySQL/MariaDB `url`."""
    return mysql_rows(url, sql) if url.startswith(("mysql://", "mariadb://")) else psql_rows(url, sql)


def drop_database(server_url, name):
    """Drops the database `name`, even while something is still connected to it."""
    force = "" if server_url.startswith(("mysql://", "mariadb://")) else " WITH (FORCE)"
    sql_rows(server_url, f"DROP DATABASE IF EXISTS {name}{force}")


def with_database(server_url, name):
    """`server_url` pointed at the database `name` on the same server."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(server_url)._replace(path=f"/{name}"))
