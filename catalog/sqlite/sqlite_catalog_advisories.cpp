// Advisory imports: a document's contribution per KB, kept so that a later revision replaces
// exactly what the earlier one contributed and nothing that manifests or other documents did.
#include <algorithm>
#include <map>
#include <set>

#include "catalog/sqlite/guarded.hpp"
#include "catalog/sqlite/sqlite_catalog.hpp"

namespace lifeline::catalog::sqlite {

namespace {

// One document's contribution to one update, as stored.
struct Contribution {
  std::set<std::string> cves;
  std::set<std::string> supersedes;
  std::set<std::string> affected;
  std::map<std::string, std::optional<Severity>> ratings;
};

Contribution contribution_of(const AdvisoryUpdate& update) {
  Contribution contribution;
  contribution.cves.insert(update.cves.begin(), update.cves.end());
  contribution.supersedes.insert(update.supersedes.begin(), update.supersedes.end());
  contribution.affected.insert(update.affected.begin(), update.affected.end());
  for (const auto& rating : update.ratings) {
    contribution.ratings[rating.product] = rating.severity;
  }
  return contribution;
}

// `values` without what `old` contributed, with what `now` contributes; sorted and unique.
std::vector<std::string> replaced(const std::vector<std::string>& values, const std::set<std::string>& old,
                                  const std::set<std::string>& now) {
  std::set<std::string> result;
  for (const auto& value : values) {
    if (!old.contains(value)) {
      result.insert(value);
    }
  }
  result.insert(now.begin(), now.end());
  return {result.begin(), result.end()};
}

// The update as `previous` left it, with `now`'s contribution instead.
Update merged(Update update, const Contribution& previous, const Contribution& now) {
  update.cves = replaced(update.cves, previous.cves, now.cves);
  update.supersedes = replaced(update.supersedes, previous.supersedes, now.supersedes);
  std::map<std::string, std::optional<Severity>> ratings;
  for (const auto& rating : update.products) {
    const auto old = previous.ratings.find(rating.product);
    // A rating this document gave and no one changed since is its own to withdraw.
    if (old == previous.ratings.end() || old->second != rating.severity) {
      ratings[rating.product] = rating.severity;
    }
  }
  for (const auto& [product, severity] : now.ratings) {
    ratings[product] = severity;
  }
  update.products.clear();
  for (const auto& [product, severity] : ratings) {
    update.products.push_back(ProductRating{product, severity});
  }
  return update;
}

} // namespace

Result<AdvisoryImportOutcome> SqliteCatalog::import_advisory(const AdvisoryRecord& record,
                                                             const std::vector<AdvisoryUpdate>& updates,
                                                             const AuditContext& context, bool dry_run) {
  return guarded<AdvisoryImportOutcome>([&]() -> Result<AdvisoryImportOutcome> {
    Transaction transaction(m_db, TransactionMode::immediate);
    AdvisoryImportOutcome outcome;
    auto stored = m_db.prepare("SELECT format, revision, title, initial_release, current_release FROM advisories "
                               "WHERE source = ? AND id = ?");
    stored.bind(1, record.source).bind(2, record.id);
    if (stored.step()) {
      outcome.previous = AdvisoryRecord{record.source,
                                        record.id,
                                        stored.text(0),
                                        stored.text(1),
                                        stored.text(2),
                                        Date::parse(stored.text(3)).value_or(Date{}),
                                        Date::parse(stored.text(4)).value_or(Date{})};
      const auto order = compare_revisions(record, *outcome.previous);
      if (order <= 0) {
        outcome.status = order == 0 ? AdvisoryStatus::same_revision : AdvisoryStatus::older_revision;
        return outcome;
      }
      outcome.status = AdvisoryStatus::new_revision;
    }
    m_db.prepare("INSERT INTO advisories (source, id, format, revision, title, initial_release, current_release) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (source, id) DO UPDATE SET format = ?3, "
                 "revision = ?4, title = ?5, initial_release = ?6, current_release = ?7")
        .bind(1, record.source)
        .bind(2, record.id)
        .bind(3, record.format)
        .bind(4, record.revision)
        .bind(5, record.title)
        .bind(6, record.initial_release.to_string())
        .bind(7, record.current_release.to_string())
        .run();

    // What the previous revision contributed, per update.
    std::map<std::string, Contribution> previous;
    auto rows = m_db.prepare("SELECT update_id, kind, value, severity FROM advisory_contributions "
                             "WHERE source = ? AND advisory_id = ?");
    rows.bind(1, record.source).bind(2, record.id);
    while (rows.step()) {
      auto& contribution = previous[rows.text(0)];
      const auto kind = rows.text(1);
      auto value = rows.text(2);
      if (kind == "cve") {
        contribution.cves.insert(std::move(value));
      } else if (kind == "supersedes") {
        contribution.supersedes.insert(std::move(value));
      } else if (kind == "affected") {
        contribution.affected.insert(std::move(value));
      } else {
        const auto severity = rows.optional_text(3);
        contribution.ratings[value] = severity ? parse_severity(*severity) : std::nullopt;
      }
    }
    m_db.prepare("DELETE FROM advisory_contributions WHERE source = ? AND advisory_id = ?")
        .bind(1, record.source)
        .bind(2, record.id)
        .run();

    std::map<std::string, Contribution> now;
    std::map<std::string, const AdvisoryUpdate*> by_kb;
    for (const auto& update : updates) {
      now[update.kb] = contribution_of(update);
      by_kb[update.kb] = &update;
    }
    // Every update either revision touches: a KB the new revision dropped loses its contribution.
    std::set<std::string> touched;
    for (const auto& [kb, contribution] : previous) {
      touched.insert(kb);
    }
    for (const auto& [kb, contribution] : now) {
      touched.insert(kb);
    }
    for (const auto& kb : touched) {
      const auto& old = previous[kb];
      const auto& fresh = now[kb];
      auto existing = load_update(kb);
      if (!existing && !by_kb.contains(kb)) {
        continue; // removed since by someone else
      }
      Update base = existing ? *existing : Update{};
      if (!existing) {
        const auto& source = *by_kb.at(kb);
        base.id = kb;
        base.kind = UpdateKind::security;
        base.title = source.title;
        base.released = source.released;
      }
      const auto next = merged(base, old, fresh);
      if (existing && *existing == next) {
        ++outcome.unchanged;
      } else {
        ++(existing ? outcome.updated : outcome.created);
        write_update(next);
      }
      for (const auto& product : old.affected) {
        if (!fresh.affected.contains(product)) {
          m_db.prepare("DELETE FROM update_affected WHERE update_id = ? AND product_id = ?")
              .bind(1, kb)
              .bind(2, product)
              .run();
        }
      }
      for (const auto& product : fresh.affected) {
        m_db.prepare("INSERT OR IGNORE INTO update_affected (update_id, product_id) VALUES (?, ?)")
            .bind(1, kb)
            .bind(2, product)
            .run();
      }
      const auto contribute = [&](const char* kind, const std::string& value, const std::optional<Severity>& severity) {
        m_db.prepare("INSERT INTO advisory_contributions (source, advisory_id, update_id, kind, value, severity) "
                     "VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, record.source)
            .bind(2, record.id)
            .bind(3, kb)
            .bind(4, kind)
            .bind(5, value)
            .bind(6, severity ? std::optional(to_string(*severity)) : std::nullopt)
            .run();
      };
      for (const auto& cve : fresh.cves) {
        contribute("cve", cve, std::nullopt);
      }
      for (const auto& superseded : fresh.supersedes) {
        contribute("supersedes", superseded, std::nullopt);
      }
      for (const auto& product : fresh.affected) {
        contribute("affected", product, std::nullopt);
      }
      for (const auto& [product, severity] : fresh.ratings) {
        contribute("rating", product, severity);
      }
    }
    audit(context, "advisory.import", std::nullopt, record.source + ":" + record.id,
          "revision " + record.revision + " of " + record.current_release.to_string() + " (" +
              to_string(outcome.status) + "): " + std::to_string(outcome.created) + " created, " +
              std::to_string(outcome.updated) + " updated, " + std::to_string(outcome.unchanged) + " unchanged");
    if (!dry_run) {
      transaction.commit();
    }
    return outcome;
  });
}

Result<std::vector<AdvisoryRecord>> SqliteCatalog::update_advisories(const std::string& update_id) {
  return guarded<std::vector<AdvisoryRecord>>([&]() -> Result<std::vector<AdvisoryRecord>> {
    auto rows = m_db.prepare(
        "SELECT a.source, a.id, a.format, a.revision, a.title, a.initial_release, a.current_release FROM advisories a "
        "WHERE EXISTS (SELECT 1 FROM advisory_contributions c WHERE c.source = a.source AND c.advisory_id = a.id "
        "AND c.update_id = ?) ORDER BY a.current_release DESC, a.source, a.id");
    rows.bind(1, update_id);
    std::vector<AdvisoryRecord> records;
    while (rows.step()) {
      records.push_back(AdvisoryRecord{rows.text(0), rows.text(1), rows.text(2), rows.text(3), rows.text(4),
                                       Date::parse(rows.text(5)).value_or(Date{}),
                                       Date::parse(rows.text(6)).value_or(Date{})});
    }
    return records;
  });
}

Result<std::vector<std::string>> SqliteCatalog::affected_products(const std::string& update_id) {
  return guarded<std::vector<std::string>>([&]() -> Result<std::vector<std::string>> {
    auto rows = m_db.prepare("SELECT product_id FROM update_affected WHERE update_id = ? ORDER BY product_id");
    rows.bind(1, update_id);
    std::vector<std::string> products;
    while (rows.step()) {
      products.push_back(rows.text(0));
    }
    return products;
  });
}

} // namespace lifeline::catalog::sqlite
