#!/bin/sh
# The app's own role: not a superuser and without BYPASSRLS, so row-level security holds.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE kamapp LOGIN PASSWORD '${KAMAPP_DB_PASSWORD}' NOSUPERUSER NOBYPASSRLS NOCREATEDB;
CREATE DATABASE kamapp OWNER kamapp;
SQL
# A text search match returns a boolean of its two values and raises nothing that depends on
# a row: marked leakproof, row-level security lets search's GIN indexes serve it.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname kamapp <<SQL
ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
SQL
