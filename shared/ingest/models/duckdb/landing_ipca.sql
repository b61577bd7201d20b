-- Landing: one row per month and variable of an IPCA file (NULL where SIDRA
-- writes "..."), whatever its layout.
CREATE TABLE IF NOT EXISTS landing.ipca (
  file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL,
  variable VARCHAR NOT NULL, month DATE NOT NULL, value DOUBLE
);
