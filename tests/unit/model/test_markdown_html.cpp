#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "model/markdown_html.hpp"

using samen::model::markdown_to_html;

TEST_CASE("markdown_to_html renders CommonMark", "[model][html]") {
    CHECK(markdown_to_html("") == "");
    CHECK(markdown_to_html("Samen *waar* het kan, **lokaal** waar het moet.\n") ==
          "<p>Samen <em>waar</em> het kan, <strong>lokaal</strong> waar het moet.</p>\n");
    CHECK(markdown_to_html("## Doelen\n\n- Jeugd\n- Verkeer\n") ==
          "<h2>Doelen</h2>\n<ul>\n<li>Jeugd</li>\n<li>Verkeer</li>\n</ul>\n");
    CHECK(markdown_to_html("Zie [VNG](https://vng.nl \"Kernbeleid\").") ==
          "<p>Zie <a href=\"https://vng.nl\" title=\"Kernbeleid\">VNG</a>.</p>\n");
    CHECK(markdown_to_html("Café’s & 7 < 8 en \"ĳs\"") ==
          "<p>Café’s &amp; 7 &lt; 8 en &quot;ĳs&quot;</p>\n");
}

TEST_CASE("markdown_to_html renders GitHub's tables", "[model][html]") {
    CHECK(markdown_to_html("| Veld | Prioriteit |\n|:--|--:|\n| Jeugd | hoog |\n") ==
          "<table>\n<thead>\n<tr>\n<th align=\"left\">Veld</th>\n"
          "<th align=\"right\">Prioriteit</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
          "<td align=\"left\">Jeugd</td>\n<td align=\"right\">hoog</td>\n</tr>\n</tbody>\n"
          "</table>\n");
    // Only tables: strikethrough and autolinks stay text.
    CHECK(markdown_to_html("~~weg~~ www.vng.nl") == "<p>~~weg~~ www.vng.nl</p>\n");
}

TEST_CASE("markdown_to_html passes no raw HTML and no script links", "[model][html]") {
    CHECK(markdown_to_html("<script>alert(1)</script>\n") == "<!-- raw HTML omitted -->\n");
    CHECK(markdown_to_html("Een <b onclick=\"x()\">vet</b> woord") ==
          "<p>Een <!-- raw HTML omitted -->vet<!-- raw HTML omitted --> woord</p>\n");
    CHECK(markdown_to_html("[klik](javascript:alert(1)) ![x](data:text/html;base64,PHA+)") ==
          "<p><a href=\"\">klik</a> <img src=\"\" alt=\"x\" /></p>\n");
}

TEST_CASE("markdown_to_html refuses invalid UTF-8", "[model][html]") {
    CHECK_THROWS_AS(markdown_to_html("recre\xE9ren"), std::invalid_argument);
    CHECK_THROWS_AS(markdown_to_html("\xED\xA0\x80"), std::invalid_argument);
}
