-- The freeze of a finished run compares the whole row instead of a list of columns, so a column
-- added to executions later is frozen too without anyone remembering to list it. The row is
-- compared as jsonb without the one column that may still change (idempotency_key) and without
-- result, which is compared as its text: jsonb would normalise the canonical bytes it stores.
-- Hand-written; the schema diff sees no change.
CREATE OR REPLACE FUNCTION "freshgate_execution_before_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'RUNNING' THEN
    RETURN NEW;
  END IF;
  IF to_jsonb(NEW) - 'idempotency_key' - 'result' IS DISTINCT FROM to_jsonb(OLD) - 'idempotency_key' - 'result'
     OR NEW."result"::text IS DISTINCT FROM OLD."result"::text
     OR (NEW."idempotency_key" IS DISTINCT FROM OLD."idempotency_key" AND NEW."idempotency_key" IS NOT NULL) THEN
    RAISE EXCEPTION 'execution % is % and immutable: only its idempotency key may be released', OLD."id", lower(OLD."status"::text)
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
