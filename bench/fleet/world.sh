# shellcheck shell=bash
# Sourced by bench/fleet_bench.sh: a generated world sized for $fleet_n devices.
# Two customers, six enrolments (one Essentials), 20 published updates rating six products with
# Critical, Important and Moderate ratings and some supersedence; every plan's cap is $fleet_n.
# Needs: ll (scripts/lib/world.sh), work, data, fleet_n, payload_kib. Sets fleet_at, the
# credentials northwind_contact, tailspin_contact and operator; writes $work/jobs (the driver's
# registrations) and $work/targets (logical target path -> content-addressed path).

fleet_at=2011-06-01

# id family service_pack mainstream_end support_end programme_start programme_end
fleet_products=(
  "fleet-server-a Windows-Server SP2 2004-07-13 2009-07-14 2009-07-15 2012-07-14"
  "fleet-server-b Windows-Server SP1 2005-04-12 2010-04-13 2010-04-14 2013-04-13"
  "fleet-sql-a SQL-Server SP4 2004-04-13 2009-04-14 2009-04-15 2012-04-14"
  "fleet-sql-b SQL-Server SP3 2005-01-11 2010-01-12 2010-01-13 2013-01-12"
  "fleet-office Office SP3 2004-10-12 2009-10-13 2009-10-14 2012-10-13"
  "fleet-exchange Exchange-Server SP2 2005-04-12 2010-04-13 2010-04-14 2013-04-13"
)

product_field() { # product_field INDEX FIELD
  local fields
  read -ra fields <<<"${fleet_products[$1]}"
  echo "${fields[$2]}"
}

fleet_products_json() {
  local sep="" p id family sp mainstream support start end
  echo '{ "products": ['
  for p in "${fleet_products[@]}"; do
    read -r id family sp mainstream support start end <<<"$p"
    printf '%s{"id":"%s","name":"%s","family":"%s","version":"%s","service_pack":"%s","latest_service_pack":"%s",' \
      "$sep" "$id" "$id" "${family//-/ }" "$id" "$sp" "$sp"
    printf '"mainstream_end":"%s","support_end":"%s","custom_support":{"start":"%s","end":"%s"},"prerelease":false}\n' \
      "$mainstream" "$support" "$start" "$end"
    sep=","
  done
  echo ']}'
}

# Update i (1-20) rates products i-1 and i+1 (mod 6), and i+3 every third update; update i
# supersedes update i-6 (same first product) every fifth update.
fleet_update_json() {
  local i=$1 kb a b c ratings supersedes="[]"
  kb=$(printf 'KB51001%02d' "$i")
  a=$(product_field $(((i - 1) % 6)) 0)
  b=$(product_field $(((i + 1) % 6)) 0)
  ratings="{\"product\":\"$a\",\"severity\":\"critical\"},{\"product\":\"$b\",\"severity\":\"$([ $((i % 2)) = 0 ] && echo important || echo critical)\"}"
  if [ $((i % 3)) = 0 ]; then
    c=$(product_field $(((i + 3) % 6)) 0)
    ratings+=",{\"product\":\"$c\",\"severity\":\"$([ $((i % 4)) = 0 ] && echo moderate || echo critical)\"}"
  fi
  if [ "$i" -gt 6 ] && [ $((i % 5)) = 0 ]; then
    supersedes=$(printf '["KB51001%02d"]' $((i - 6)))
  fi
  printf '{"id":"%s","kind":"security","title":"Security update %s","released":"2011-%02d-10","cves":["CVE-2011-%04d"],' \
    "$kb" "$kb" $(((i - 1) % 5 + 1)) $((1000 + i))
  printf '"products":[%s],"language":"en-US","supersedes":%s,"regression_tested":true}\n' "$ratings" "$supersedes"
}

# fleet_enrolment INDEX TYPE ADDON [PURCHASES]: one enrolment over the whole programme, cap N.
fleet_enrolment() {
  local id sp start end
  id=$(product_field "$1" 0)
  start=$(product_field "$1" 5)
  end=$(product_field "$1" 6)
  printf '{"product":"%s","type":"%s","start":"%s",%s"languages":["en-US"],' "$id" "$2" "$start" "$3"
  printf '"migration_plan":{"devices":%d,"quarters":[{"start":"%s","devices":%d}],"completion":"%s"},"purchases":[%s]}' \
    "$fleet_n" "$start" "$fleet_n" "$end" "${4:-}"
}

fleet_order_json() { # CUSTOMER LEVEL SITES_JSON CONTACT ENROLMENTS_JSON
  printf '{"customer":{"id":"%s","name":"%s"},"support":{"level":%d,"start":"2009-01-01","end":"2014-12-31"},' "$1" "$1" "$2"
  printf '"sites":%s,"contacts":[{"email":"%s","name":"Fleet Operations"}],"additional_contacts":0,' "$3" "$4"
  printf '"enrolments":[%s],"hotfix_purchases":[]}\n' "$5"
}

# The Essentials enrolment buys every Critical update of its product for every device.
fleet_purchases() {
  local product=$1 sep="" i
  for i in $(seq 20); do
    if fleet_update_json "$i" | grep -q "\"product\":\"$product\",\"severity\":\"critical\""; then
      printf '%s{"update":"KB51001%02d","devices":%d}' "$sep" "$i" "$fleet_n"
      sep=","
    fi
  done
}

fleet_world() {
  local docs="$work/documents" i kb
  mkdir -p "$docs"
  ll init >/dev/null 2>&1
  fleet_products_json >"$docs/products.json"
  ll products apply "$docs/products.json" >/dev/null
  for i in $(seq 20); do
    kb=$(printf 'KB51001%02d' "$i")
    fleet_update_json "$i" >"$docs/$kb.json"
    head -c $((payload_kib * 1024)) /dev/urandom >"$docs/$kb.cab"
    ll publish --manifest "$docs/$kb.json" --payload "$docs/$kb.cab" >/dev/null
  done
  fleet_order_json northwind 2 '["hq","plant-1","plant-2"]' ops@northwind.example \
    "$(fleet_enrolment 0 standard '"important_addon":false,'),$(fleet_enrolment 2 standard '"important_addon":false,'),$(fleet_enrolment 4 standard '"important_addon":false,')" \
    >"$docs/order-northwind.json"
  fleet_order_json tailspin 3 '["seattle","denver"]' it@tailspin.example \
    "$(fleet_enrolment 1 standard '"important_addon":true,'),$(fleet_enrolment 3 standard '"important_addon":false,'),$(fleet_enrolment 5 essentials '' "$(fleet_purchases fleet-exchange)")" \
    >"$docs/order-tailspin.json"
  ll orders apply "$docs/order-northwind.json" >/dev/null
  ll orders apply "$docs/order-tailspin.json" >/dev/null
  northwind_contact=$(ll contacts credential --email ops@northwind.example 2>/dev/null)
  tailspin_contact=$(ll contacts credential --email it@tailspin.example 2>/dev/null)
  operator=$(ll tokens create --role operator --name fleet-bench 2>/dev/null)
  (cd "$data/repository/targets" && find . -type f | sed 's|^\./||' |
    awk -F/ '{ file = substr($3, index($3, ".") + 1); print $1 "/" $2 "/" file, $0 }') >"$work/targets"
  fleet_jobs >"$work/jobs"
}

# Registrations "COUNT CONTACT SITE PRODUCT SERVICE_PACK LANGUAGE": N devices spread evenly over
# every (enrolment, site) pair.
fleet_jobs() {
  local pairs=() i count site contact product
  for i in 0 2 4; do for site in hq plant-1 plant-2; do pairs+=("$northwind_contact $site $i"); done; done
  for i in 1 3 5; do for site in seattle denver; do pairs+=("$tailspin_contact $site $i"); done; done
  for i in "${!pairs[@]}"; do
    count=$((fleet_n / ${#pairs[@]} + (i < fleet_n % ${#pairs[@]} ? 1 : 0)))
    read -r contact site product <<<"${pairs[$i]}"
    [ "$count" -gt 0 ] && echo "$count $contact $site $(product_field "$product" 0) $(product_field "$product" 2) en-US"
  done
  return 0
}
