-- A random id for this data dir. The containers it makes carry it as a label, so that reconciling
-- after a crash adopts or removes only its own containers: a development build, the installed app
-- and test runs share one Docker Engine.
CREATE TABLE store_identity (
    id TEXT NOT NULL CHECK (length(id) = 32)
);
INSERT INTO store_identity (id) VALUES (lower(hex(randomblob(16))));
