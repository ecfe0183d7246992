-- 人员 — people who may sit on councils (issue 3 §2). Phone and ID number are PII:
-- stored AES-GCM encrypted (`*_cipher`), searchable by an HMAC-SHA256 keyed hash
-- (`*_hash`, hex) and shown masked (`*_masked`, computed when written) unless the caller holds
-- the PII permission.
--
-- The hashes are unique per tenant (`tenant_path`, the town), never globally: a global
-- unique index would tell one town that an ID number is registered in another.

CREATE TABLE membership.people (
    id               uuid PRIMARY KEY,
    unit_id          uuid NOT NULL REFERENCES membership.units (id),
    unit_path        ltree NOT NULL,
    tenant_path      ltree NOT NULL,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- 0 unspecified, 1 male, 2 female
    gender           smallint NOT NULL DEFAULT 0 CHECK (gender BETWEEN 0 AND 2),
    birth_year       integer CHECK (birth_year IS NULL OR birth_year BETWEEN 1900 AND 2200),
    phone_cipher     bytea,
    phone_hash       text,
    phone_masked     text NOT NULL DEFAULT '',
    id_cipher        bytea,
    id_hash          text,
    id_masked        text NOT NULL DEFAULT '',
    -- 户: people of one household are close relatives (Organic Law art. 32).
    household        text NOT NULL DEFAULT '',
    party_member     boolean NOT NULL DEFAULT false,
    grassroots_cadre boolean NOT NULL DEFAULT false,
    -- 界别 and 职务 as MembershipRules spells them (Sector, Post raw values)
    sector           text NOT NULL DEFAULT 'resident',
    posts            text[] NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT people_phone_cipher_with_hash CHECK ((phone_cipher IS NULL) = (phone_hash IS NULL)),
    CONSTRAINT people_id_cipher_with_hash CHECK ((id_cipher IS NULL) = (id_hash IS NULL))
);

CREATE UNIQUE INDEX people_id_hash_per_tenant ON membership.people (tenant_path, id_hash) WHERE id_hash IS NOT NULL;
CREATE UNIQUE INDEX people_phone_hash_per_tenant ON membership.people (tenant_path, phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX people_path_gist ON membership.people USING gist (unit_path);
CREATE INDEX people_unit_household_idx ON membership.people (unit_id, household);
CREATE INDEX people_name_idx ON membership.people (unit_path, name text_pattern_ops);

ALTER TABLE membership.people ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.people FORCE ROW LEVEL SECURITY;
CREATE POLICY people_tenant ON membership.people
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

-- 近亲属 — close-relative links beyond the household, stored once per direction so
-- each row lives in its own person's tenant.
CREATE TABLE membership.kinships (
    person_id   uuid NOT NULL REFERENCES membership.people (id),
    relative_id uuid NOT NULL REFERENCES membership.people (id),
    -- what the relative is to the person (MembershipRules' KinshipRelation raw value)
    relation    text NOT NULL CHECK (relation ~ '^[a-zA-Z]{1,40}$'),
    unit_path   ltree NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (person_id, relative_id),
    CONSTRAINT kinships_not_self CHECK (person_id <> relative_id)
);

CREATE INDEX kinships_path_gist ON membership.kinships USING gist (unit_path);

ALTER TABLE membership.kinships ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.kinships FORCE ROW LEVEL SECURITY;
CREATE POLICY kinships_tenant ON membership.kinships
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

GRANT SELECT, INSERT, UPDATE ON membership.people TO membership_svc;
GRANT SELECT, INSERT, UPDATE ON membership.kinships TO membership_svc;
