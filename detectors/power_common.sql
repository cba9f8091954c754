-- What the power detectors reading raw kWh share (continuous_load, night_load, peer_outlier,
-- trade_night). Installed by detectors.base.install_power_macros.

-- name: reading_caps
-- Beyond what a connection can carry a value is absurd, not a load: a day's kWh over
-- absurd_kva_factor x contract kVA x 24 h (kVA ~ kW), an interval reading's over four times
-- that power for an hour — the same cap whatever the interval (15, 30 or 60 minutes: the
-- reading's length is not known here), so an hourly export is not cut where the 15-minute one
-- of the same load is not (a load some times its contract: 增容 not yet in the archive, or a
-- wrong capacity, is real and telling). An account without a contract capacity has no cap.
create or replace temp macro xhg_reading_caps(absurd_kva_factor) as table
    select
        account_no,
        4 * absurd_kva_factor * contract_kva as max_interval_kwh,
        absurd_kva_factor * 24 * contract_kva as max_day_kwh
    from power_accounts
    where contract_kva > 0;

-- name: site_trade_words
-- Per site, the words of name_words its registrations' names hold and the words of
-- scope_words their 经营范围 hold (each '、'-joined, NULL when none): a trade that is expected
-- to draw at night or around the clock (a 冷库, a 网吧; an internet café registered as
-- 某某网络科技有限公司 says 互联网上网服务 only in its scope).
create or replace temp macro xhg_site_trade_words(name_words, scope_words) as table
    select
        x.site_id,
        string_agg(distinct w.k, '、' order by w.k) filter (where w.in_name) as name_word,
        string_agg(distinct w.k, '、' order by w.k) filter (where not w.in_name) as scope_word
    from site_members as x
    join registry as r on x.member_kind = 'registry' and r.uscc = x.member_key
    join (select unnest(name_words) as k, true as in_name
          union all
          select unnest(scope_words), false) as w
        on contains(case when w.in_name then r.name else coalesce(r.scope, '') end, w.k)
    group by x.site_id;

-- name: trade_said
-- Where a night or 24-hour trade word was found, first on the account's own name, then on a
-- registration's name, then in its 经营范围: '户名含「冷库」' (NULL when nowhere), for a reason.
create or replace temp macro xhg_trade_said(account_word, name_word, scope_word) as
    case when account_word is not null then '户名含「' || account_word || '」'
         when name_word is not null then '登记名称含「' || name_word || '」'
         when scope_word is not null then '经营范围含「' || scope_word || '」' end;
