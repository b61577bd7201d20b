-- Reference: former or variant municipality names that sources still use,
-- as facts (name_key is the name normalised like delim.Name). SIDRA 5938
-- writes the first three names as they were before IBGE's corrections.
DELETE FROM core.municipio_name WHERE source = 'alias';
INSERT INTO core.municipio_name (uf, name_key, municipio, source) VALUES
  ('MG', 'barao_do_monte_alto', '3105509', 'alias'),       -- Barão de Monte Alto
  ('MT', 'santo_antonio_de_leverger', '5107800', 'alias'), -- Santo Antônio do Leverger
  ('SE', 'graccho_cardoso', '2802601', 'alias');           -- Gracho Cardoso
