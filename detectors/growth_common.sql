-- What the growth detectors (power_surge, power_yoy) share: how a rise scores, what their
-- reasons say about it, and which of a list's words a name holds. Installed by detectors.base.install_growth_macros.

-- name: growth_score
-- 0.3 at min_ratio and min_increase_kwh, rising (log scale) to 1 at full_ratio (60 % of the
-- weight) and full_increase_kwh (40 %); an increase drawn in 峰/平 hours only (a second day
-- shift) weighs day_factor, full from valley_full_share of it in the 谷 hours; without the
-- 峰/平/谷 split the score stands.
create or replace temp macro xhg_growth_score(ratio, increase_kwh, min_ratio, full_ratio,
                                              min_increase_kwh, full_increase_kwh,
                                              added_valley_share, day_factor, valley_full_share) as
    (0.3 + 0.7 * (
        0.6 * least(ln(ratio / min_ratio) / ln(full_ratio / min_ratio), 1)
        + 0.4 * least(greatest(ln(increase_kwh / min_increase_kwh)
                               / ln(full_increase_kwh / min_increase_kwh), 0), 1)))
    * case when added_valley_share is null then 1.0
           else day_factor + (1 - day_factor)
                * least(greatest(added_valley_share, 0) / valley_full_share, 1) end;

-- name: growth_notes
-- What the reason says after the figures: when the added energy is drawn (from the 峰/平/谷
-- split; nothing without it) and a pump's name.
create or replace temp macro xhg_growth_notes(added_valley_share, valley_full_share, pump_word) as
    case when added_valley_share is null then ''
         when added_valley_share < valley_full_share
             then '；新增电量主要在峰、平时段（谷段仅占 '
                  || format('{:.0f}', 100 * greatest(added_valley_share, 0)) || '%），似白天增开班次'
         else '；新增电量中谷段(夜间)占 ' || format('{:.0f}', 100 * least(added_valley_share, 1)) || '%'
    end
    || case when pump_word is not null
            then '；户名含「' || pump_word || '」，灌溉时间逐年不同' else '' end;

-- name: words_in
-- The words of a list that a text holds, joined by 、 (NULL: none).
create or replace temp macro xhg_words_in(text, words) as
    (select string_agg(k, '、' order by k) from unnest(words) as t(k) where contains(coalesce(text, ''), k));
