-- Reference: the 21 sections of CNAE 2.0 (IBGE/CONCLA).
CREATE TABLE IF NOT EXISTS core.dim_cnae_secao AS
SELECT * FROM (VALUES
  ('A', 'Agricultura, pecuária, produção florestal, pesca e aquicultura'),
  ('B', 'Indústrias extrativas'),
  ('C', 'Indústrias de transformação'),
  ('D', 'Eletricidade e gás'),
  ('E', 'Água, esgoto, atividades de gestão de resíduos e descontaminação'),
  ('F', 'Construção'),
  ('G', 'Comércio; reparação de veículos automotores e motocicletas'),
  ('H', 'Transporte, armazenagem e correio'),
  ('I', 'Alojamento e alimentação'),
  ('J', 'Informação e comunicação'),
  ('K', 'Atividades financeiras, de seguros e serviços relacionados'),
  ('L', 'Atividades imobiliárias'),
  ('M', 'Atividades profissionais, científicas e técnicas'),
  ('N', 'Atividades administrativas e serviços complementares'),
  ('O', 'Administração pública, defesa e seguridade social'),
  ('P', 'Educação'),
  ('Q', 'Saúde humana e serviços sociais'),
  ('R', 'Artes, cultura, esporte e recreação'),
  ('S', 'Outras atividades de serviços'),
  ('T', 'Serviços domésticos'),
  ('U', 'Organismos internacionais e outras instituições extraterritoriais')
) AS t(cnae_section, cnae_section_name);
