#include <fmt/format.h>

#include <cstdio>

#include "app/commands.hpp"
#include "core/report/terminal_text.hpp"

namespace s3top::app {

int run_schema(const clickhouse::SchemaOptions& o) {
    for (const auto& [what, name] : {std::pair{"--database", &o.database}, {"--table", &o.table}}) {
        if (!clickhouse::valid_identifier(*name)) {
            fmt::print(stderr, "s3top: schema: {} '{}' is not a name ClickHouse takes unquoted (letters, digits, _)\n",
                       what, terminal_safe(*name));
            return 2;
        }
    }
    if (!o.cluster.empty() && !clickhouse::valid_identifier(o.cluster)) {
        fmt::print(stderr,
                   "s3top: schema: --cluster '{}' is not a name ClickHouse takes unquoted (letters, digits, _)\n",
                   terminal_safe(o.cluster));
        return 2;
    }
    fmt::print("{}", clickhouse::schema_sql(o));
    return 0;
}

}  // namespace s3top::app
