// Advisory imports. Each source's contribution to each update is kept (an advisory document's,
// and the update's manifest once an advisory speaks of it too): an update's CVEs, supersedence
// and affected products are the union of its contributions and each product's rating the highest
// one given, so a later revision replaces exactly its own contribution, never anyone else's.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "catalog/scopes.hpp"
#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

namespace {

constexpr const char* k_manifest_source = "manifest";

struct Contribution {
  std::set<std::string> cves;
  std::set<std::string> supersedes;
  std::set<std::string> affected;
  std::map<std::string, std::optional<Severity>> ratings;

  bool operator==(const Contribution&) const = default;
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

Contribution contribution_of(const Update& update) {
  Contribution contribution;
  contribution.cves.insert(update.cves.begin(), update.cves.end());
  contribution.supersedes.insert(update.supersedes.begin(), update.supersedes.end());
  for (const auto& rating : update.products) {
    contribution.ratings[rating.product] = rating.severity;
  }
  return contribution;
}

// (source, document, update) of one stored contribution.
using ContributionKey = std::tuple<std::string, std::string, std::string>;

// The contributions a prepared, bound query selects (source, advisory_id, update_id, kind, value,
// severity), one per (source, document, update).
std::map<ContributionKey, Contribution> read_contributions(Statement rows) {
  std::map<ContributionKey, Contribution> all;
  while (rows.step()) {
    auto& contribution = all[ContributionKey{rows.text(0), rows.text(1), rows.text(2)}];
    const auto kind = rows.text(3);
    auto value = rows.text(4);
    if (kind == "cve") {
      contribution.cves.insert(std::move(value));
    } else if (kind == "supersedes") {
      contribution.supersedes.insert(std::move(value));
    } else if (kind == "affected") {
      contribution.affected.insert(std::move(value));
    } else {
      const auto severity = rows.optional_text(5);
      contribution.ratings[value] = severity ? parse_severity(*severity) : std::nullopt;
    }
  }
  return all;
}

constexpr const char* k_select_contributions =
    "SELECT source, advisory_id, update_id, kind, value, severity FROM advisory_contributions WHERE ";

void store_contribution(Connection& db, const std::string& source, const std::string& document, const std::string& kb,
                        const Contribution& contribution) {
  const auto insert = [&](const char* kind, const std::string& value, const std::optional<Severity>& severity) {
    db.prepare("INSERT INTO advisory_contributions (source, advisory_id, update_id, kind, value, severity) "
               "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, source)
        .bind(2, document)
        .bind(3, kb)
        .bind(4, kind)
        .bind(5, value)
        .bind(6, severity ? std::optional(to_string(*severity)) : std::nullopt)
        .run();
  };
  for (const auto& cve : contribution.cves) {
    insert("cve", cve, std::nullopt);
  }
  for (const auto& superseded : contribution.supersedes) {
    insert("supersedes", superseded, std::nullopt);
  }
  for (const auto& product : contribution.affected) {
    insert("affected", product, std::nullopt);
  }
  for (const auto& [product, severity] : contribution.ratings) {
    insert("rating", product, severity);
  }
}

} // namespace

// The update as all its contributions say, other fields as they are; the affected products too.
Update SqlCatalog::merge_contributions(Update update) {
  const auto all = read_contributions(
      std::move(db().prepare(std::string(k_select_contributions) + "update_id = ?").bind(1, update.id)));
  Contribution merged;
  for (const auto& [key, contribution] : all) {
    merged.cves.insert(contribution.cves.begin(), contribution.cves.end());
    merged.supersedes.insert(contribution.supersedes.begin(), contribution.supersedes.end());
    merged.affected.insert(contribution.affected.begin(), contribution.affected.end());
    for (const auto& [product, severity] : contribution.ratings) {
      auto [at, added] = merged.ratings.emplace(product, severity);
      if (!added && severity_rank(severity) > severity_rank(at->second)) {
        at->second = severity; // the highest rating anyone gives; an unrated one never erases it
      }
    }
  }
  update.cves.assign(merged.cves.begin(), merged.cves.end());
  update.supersedes.assign(merged.supersedes.begin(), merged.supersedes.end());
  update.products.clear();
  for (const auto& [product, severity] : merged.ratings) {
    update.products.push_back(ProductRating{product, severity});
  }
  db().prepare("DELETE FROM update_affected WHERE update_id = ?").bind(1, update.id).run();
  for (const auto& product : merged.affected) {
    db().prepare("INSERT INTO update_affected (update_id, product_id) VALUES (?, ?)")
        .bind(1, update.id)
        .bind(2, product)
        .run();
  }
  return update;
}

void SqlCatalog::restate_manifest(const Update& update) {
  auto any = db().prepare("SELECT 1 FROM advisory_contributions WHERE update_id = ? AND source <> ? LIMIT 1");
  any.bind(1, update.id).bind(2, k_manifest_source);
  if (!any.step()) {
    return; // no advisory speaks of it: the manifest is the whole story
  }
  db().prepare("DELETE FROM advisory_contributions WHERE update_id = ? AND source = ?")
      .bind(1, update.id)
      .bind(2, k_manifest_source)
      .run();
  store_contribution(db(), k_manifest_source, "", update.id, contribution_of(update));
  write_update(merge_contributions(update));
}

Result<AdvisoryImportOutcome> SqlCatalog::import_advisory(const AdvisoryRecord& record,
                                                          const std::vector<AdvisoryUpdate>& updates,
                                                          const AuditContext& context, bool dry_run) {
  return guarded<AdvisoryImportOutcome>([&]() -> Result<AdvisoryImportOutcome> {
    WriteTransaction transaction(*this);
    AdvisoryImportOutcome outcome;
    std::map<std::string, Contribution> fresh;
    std::map<std::string, const AdvisoryUpdate*> by_kb;
    for (const auto& update : updates) {
      fresh[update.kb] = contribution_of(update);
      by_kb[update.kb] = &update;
    }
    std::map<std::string, Contribution> previous;
    auto mine = db().prepare(std::string(k_select_contributions) + "source = ? AND advisory_id = ?");
    mine.bind(1, record.source).bind(2, record.id);
    for (auto& [key, contribution] : read_contributions(std::move(mine))) {
      previous[std::get<2>(key)] = std::move(contribution);
    }
    if (auto stored = db().prepare("SELECT format, revision, title, initial_release, current_release FROM advisories "
                                   "WHERE source = ? AND id = ?");
        stored.bind(1, record.source).bind(2, record.id).step()) {
      outcome.previous = AdvisoryRecord{record.source,
                                        record.id,
                                        stored.text(0),
                                        stored.text(1),
                                        stored.text(2),
                                        Date::parse(stored.text(3)).value_or(Date{}),
                                        Date::parse(stored.text(4)).value_or(Date{})};
      const auto order = compare_revisions(record, *outcome.previous);
      if (order < 0 || (order == 0 && previous == fresh)) {
        outcome.status = order < 0 ? AdvisoryStatus::older_revision : AdvisoryStatus::same_revision;
        return outcome;
      }
      // The same revision saying something else: the product mapping changed since.
      outcome.status = order == 0 ? AdvisoryStatus::reapplied : AdvisoryStatus::new_revision;
    }
    db().prepare("INSERT INTO advisories (source, id, format, revision, title, initial_release, current_release) "
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

    std::set<std::string> touched;
    std::map<std::string, std::optional<Update>> before; // each touched update as it was
    for (const auto& [kb, contribution] : previous) {
      touched.insert(kb);
    }
    for (const auto& [kb, contribution] : fresh) {
      touched.insert(kb);
    }
    for (const auto& kb : touched) {
      auto existing = load_update(kb);
      if (!existing && by_kb.contains(kb)) {
        const auto& source = *by_kb.at(kb);
        Update created;
        created.id = kb;
        created.kind = UpdateKind::security;
        created.title = source.title;
        created.released = source.released;
        write_update(created); // the row the contributions refer to
      } else if (existing && fresh.contains(kb)) {
        // An update only its manifest described so far: what the manifest said becomes its
        // contribution, kept whatever documents say later.
        auto contributed = db().prepare("SELECT 1 FROM advisory_contributions WHERE update_id = ? LIMIT 1");
        contributed.bind(1, kb);
        if (!contributed.step()) {
          store_contribution(db(), k_manifest_source, "", kb, contribution_of(*existing));
        }
      }
      before.emplace(kb, std::move(existing));
    }
    db().prepare("DELETE FROM advisory_contributions WHERE source = ? AND advisory_id = ?")
        .bind(1, record.source)
        .bind(2, record.id)
        .run();
    for (const auto& [kb, contribution] : fresh) {
      store_contribution(db(), record.source, record.id, kb, contribution);
    }
    for (const auto& kb : touched) {
      const auto& existing = before.at(kb);
      const auto current = load_update(kb);
      if (!current) {
        continue; // removed since by someone else
      }
      const auto next = merge_contributions(*current);
      if (existing && *existing == next) {
        ++outcome.unchanged;
      } else {
        ++(existing ? outcome.updated : outcome.created);
        write_update(next);
      }
    }
    audit(context, "advisory.import", std::nullopt, record.source + ":" + record.id,
          "revision " + record.revision + " of " + record.current_release.to_string() + " (" +
              to_string(outcome.status) + "): " + std::to_string(outcome.created) + " created, " +
              std::to_string(outcome.updated) + " updated, " + std::to_string(outcome.unchanged) + " unchanged");
    if (!dry_run) {
      touch(scopes::global());
      transaction.commit();
    }
    return outcome;
  });
}

Result<std::vector<AdvisoryRecord>> SqlCatalog::update_advisories(const std::string& update_id) {
  return guarded<std::vector<AdvisoryRecord>>([&]() -> Result<std::vector<AdvisoryRecord>> {
    auto rows = db().prepare(
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

Result<std::vector<std::string>> SqlCatalog::affected_products(const std::string& update_id) {
  return guarded<std::vector<std::string>>([&]() -> Result<std::vector<std::string>> {
    auto rows = db().prepare("SELECT product_id FROM update_affected WHERE update_id = ? ORDER BY product_id");
    rows.bind(1, update_id);
    std::vector<std::string> products;
    while (rows.step()) {
      products.push_back(rows.text(0));
    }
    return products;
  });
}

} // namespace lifeline::catalog::sql
