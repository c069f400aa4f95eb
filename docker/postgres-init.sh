#!/bin/sh
# The app's own role: not a superuser and without BYPASSRLS, so row-level security holds.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE kamapp LOGIN PASSWORD '${KAMAPP_DB_PASSWORD}' NOSUPERUSER NOBYPASSRLS NOCREATEDB;
CREATE DATABASE kamapp OWNER kamapp;
SQL
