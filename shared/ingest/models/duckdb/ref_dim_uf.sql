-- Reference: the 27 federation units as IBGE fixes them (code, letters,
-- name, region, capital) and the UF prefix Comex Stat's CO_MUN uses.
-- The Go twin is shared/territory (all but secex_code); a test keeps them equal.
CREATE TABLE IF NOT EXISTS core.dim_uf AS
SELECT * FROM (VALUES
  ('11', 'RO', 'Rondônia', 'Norte', '1100205', '11'),
  ('12', 'AC', 'Acre', 'Norte', '1200401', '12'),
  ('13', 'AM', 'Amazonas', 'Norte', '1302603', '13'),
  ('14', 'RR', 'Roraima', 'Norte', '1400100', '14'),
  ('15', 'PA', 'Pará', 'Norte', '1501402', '15'),
  ('16', 'AP', 'Amapá', 'Norte', '1600303', '16'),
  ('17', 'TO', 'Tocantins', 'Norte', '1721000', '17'),
  ('21', 'MA', 'Maranhão', 'Nordeste', '2111300', '21'),
  ('22', 'PI', 'Piauí', 'Nordeste', '2211001', '22'),
  ('23', 'CE', 'Ceará', 'Nordeste', '2304400', '23'),
  ('24', 'RN', 'Rio Grande do Norte', 'Nordeste', '2408102', '24'),
  ('25', 'PB', 'Paraíba', 'Nordeste', '2507507', '25'),
  ('26', 'PE', 'Pernambuco', 'Nordeste', '2611606', '26'),
  ('27', 'AL', 'Alagoas', 'Nordeste', '2704302', '27'),
  ('28', 'SE', 'Sergipe', 'Nordeste', '2800308', '28'),
  ('29', 'BA', 'Bahia', 'Nordeste', '2927408', '29'),
  ('31', 'MG', 'Minas Gerais', 'Sudeste', '3106200', '31'),
  ('32', 'ES', 'Espírito Santo', 'Sudeste', '3205309', '32'),
  ('33', 'RJ', 'Rio de Janeiro', 'Sudeste', '3304557', '33'),
  ('35', 'SP', 'São Paulo', 'Sudeste', '3550308', '34'),
  ('41', 'PR', 'Paraná', 'Sul', '4106902', '41'),
  ('42', 'SC', 'Santa Catarina', 'Sul', '4205407', '42'),
  ('43', 'RS', 'Rio Grande do Sul', 'Sul', '4314902', '43'),
  ('50', 'MS', 'Mato Grosso do Sul', 'Centro-Oeste', '5002704', '52'),
  ('51', 'MT', 'Mato Grosso', 'Centro-Oeste', '5103403', '51'),
  ('52', 'GO', 'Goiás', 'Centro-Oeste', '5208707', '53'),
  ('53', 'DF', 'Distrito Federal', 'Centro-Oeste', '5300108', '54')
) AS t(uf_code, uf, uf_nome, region, capital, secex_code);
