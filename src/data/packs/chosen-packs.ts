/**
 * The packs chosen for a day: the newest fresh, reconciled pack of the policy for that date
 * that was published by the cut-off. One statement for any period and any portfolio size.
 * Parameters: $1 policy, $2 first date, $3 last date (both inclusive), $4 published by.
 */
export const CHOSEN_PACKS = `
  SELECT DISTINCT ON (date) id, date
  FROM pricing_packs
  WHERE policy = $1 AND date BETWEEN $2::date AND $3::date AND created_at <= $4
    AND is_fresh AND NOT reconciliation_failed
  ORDER BY date, created_at DESC`;
