#include "store/time.hpp"

#include <cstdio>

namespace samen::store {

namespace chr = std::chrono;

std::string format_time(TimePoint t) {
    auto seconds = chr::floor<chr::seconds>(t);
    auto day = chr::floor<chr::days>(seconds);
    chr::year_month_day ymd{day};
    chr::hh_mm_ss hms{seconds - day};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buffer;
}

std::optional<TimePoint> parse_time(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SSZ
    if (text.size() != 20) return std::nullopt;
    auto digits = [&](std::size_t pos, std::size_t count) -> std::optional<int> {
        int value = 0;
        for (std::size_t i = pos; i < pos + count; ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
        text[19] != 'Z') {
        return std::nullopt;
    }
    auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
    auto h = digits(11, 2), mi = digits(14, 2), s = digits(17, 2);
    if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
    chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*mo)},
                            chr::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
    return chr::sys_days{ymd} + chr::hours{*h} + chr::minutes{*mi} + chr::seconds{*s};
}

std::string now_string() {
    return format_time(Clock::now());
}

}  // namespace samen::store
