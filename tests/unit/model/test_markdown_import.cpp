#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "model/markdown_import.hpp"

using samen::model::import_markdown;
using samen::model::ImportedSection;
using samen::model::slugify;

namespace {

std::string describe(const samen::model::ImportedDocument& doc) {
    std::string out;
    for (const auto& s : doc.sections) out += s.id + " <- " + s.parent_id + "\n";
    return out;
}

}  // namespace

TEST_CASE("slugify folds Dutch titles into ASCII ids", "[model][slug]") {
    CHECK(slugify("Inleiding") == "inleiding");
    CHECK(slugify("Veilige woon- en leefomgeving") == "veilige-woon-en-leefomgeving");
    CHECK(slugify("Stap 1, de startnotitie (juni 2022)") == "stap-1-de-startnotitie-juni-2022");
    CHECK(slugify("Overige thema’s") == "overige-themas");
    CHECK(slugify("Overige thema's") == "overige-themas");
    CHECK(slugify("Coördinatie en regie") == "coordinatie-en-regie");
    CHECK(slugify("Recreëren in Giethoorn") == "recreeren-in-giethoorn");
    CHECK(slugify("Café’s en uitgaansgebied") == "cafes-en-uitgaansgebied");
    CHECK(slugify("Bĳzondere wetten") == "bijzondere-wetten");
    CHECK(slugify("ĲSSELLAND") == "ijsselland");
    CHECK(slugify("Straße, Œuvre, Ærø") == "strasse-oeuvre-aero");
    CHECK(slugify("Zorg & Veiligheid") == "zorg-veiligheid");
    CHECK(slugify("Integraal Veiligheidsplan 2023–2026") == "integraal-veiligheidsplan-2023-2026");
    CHECK(slugify("’s-Heerenbroek") == "s-heerenbroek");
}

TEST_CASE("slugify folds decomposed diacritics like composed ones", "[model][slug]") {
    // "e" followed by U+0308 COMBINING DIAERESIS, as some editors on macOS write "ë".
    CHECK(slugify("cre\x65\xCC\x88ren") == "creeren");
}

TEST_CASE("slugify collapses and trims separators", "[model][slug]") {
    CHECK(slugify("  --Jeugd   en -- veiligheid--  ") == "jeugd-en-veiligheid");
    CHECK(slugify("a\tb\nc") == "a-b-c");
    CHECK(slugify("") == "");
    CHECK(slugify("– … –") == "");
    CHECK(slugify("Ελληνικά") == "");
    CHECK(slugify("Veiligheid 日本 plan") == "veiligheid-plan");
}

TEST_CASE("slugify keeps at most 48 characters and never ends on a dash", "[model][slug]") {
    const std::string slug = slugify(
        "Georganiseerde en ondermijnende criminaliteit in het buitengebied van de vier gemeenten");
    CHECK(slug.size() <= 48);
    CHECK(slug == "georganiseerde-en-ondermijnende-criminaliteit-in");
    // The 48th character is a dash here: it goes, leaving 47.
    CHECK(slugify(std::string(47, 'a') + " b") == std::string(47, 'a'));
    CHECK(slugify(std::string(200, 'x')) == std::string(48, 'x'));
    // Cut between words rather than inside one.
    CHECK(slugify("Stap 5, opstellen uitvoeringsplan 2023 (januari-februari 2023)") ==
          "stap-5-opstellen-uitvoeringsplan-2023-januari");
    CHECK(slugify("Stap 4, opstellen van het IVP (november 2022-februari 2023)") ==
          "stap-4-opstellen-van-het-ivp-november-2022");
    // ... unless that would leave less than half.
    CHECK(slugify("a " + std::string(60, 'y')) == "a-" + std::string(46, 'y'));
}

TEST_CASE("slugify rejects invalid UTF-8", "[model][slug]") {
    CHECK_THROWS_AS(slugify("caf\xE9"), std::invalid_argument);
    CHECK_THROWS_AS(slugify("\xC0\xAF"), std::invalid_argument);          // overlong '/'
    CHECK_THROWS_AS(slugify("\xED\xA0\x80"), std::invalid_argument);      // surrogate
    CHECK_THROWS_AS(slugify("\xF4\x90\x80\x80"), std::invalid_argument);  // above U+10FFFF
    CHECK_THROWS_AS(slugify("\xE2\x82"), std::invalid_argument);          // truncated
}

TEST_CASE("headings become nested sections with their text", "[model][import]") {
    const auto doc = import_markdown(
        "# Inleiding\n"
        "\n"
        "Veiligheid is een belangrijke voorwaarde om fijn te kunnen leven.\n"
        "\n"
        "# Veiligheidsvelden\n"
        "Het integrale veiligheidsterrein omvat vijf veiligheidsvelden.\n"
        "## Veilige woon- en leefomgeving\n"
        "- Sociale veiligheid\n"
        "- Fysieke veiligheid\n"
        "\n"
        "### Woonoverlast\n"
        "Overlast van buren.\n"
        "## Jeugd en veiligheid\n"
        "# Werkgroep\n"
        "\n"
        "\n"
        "Maximaal 7 à 8 deelnemers.\n"
        "\n");
    REQUIRE(doc.sections.size() == 6);
    const auto& s = doc.sections;
    CHECK(s[0] ==
          ImportedSection{"inleiding", "", "Inleiding",
                          "Veiligheid is een belangrijke voorwaarde om fijn te kunnen leven.", 1});
    CHECK(s[1] == ImportedSection{"veiligheidsvelden", "", "Veiligheidsvelden",
                                  "Het integrale veiligheidsterrein omvat vijf veiligheidsvelden.",
                                  1});
    CHECK(s[2] == ImportedSection{"veilige-woon-en-leefomgeving", "veiligheidsvelden",
                                  "Veilige woon- en leefomgeving",
                                  "- Sociale veiligheid\n- Fysieke veiligheid", 2});
    CHECK(s[3] == ImportedSection{"woonoverlast", "veilige-woon-en-leefomgeving", "Woonoverlast",
                                  "Overlast van buren.", 3});
    CHECK(s[4] == ImportedSection{"jeugd-en-veiligheid", "veiligheidsvelden", "Jeugd en veiligheid",
                                  "", 2});
    CHECK(s[5] == ImportedSection{"werkgroep", "", "Werkgroep", "Maximaal 7 à 8 deelnemers.", 1});
}

TEST_CASE("a skipped level nests under the nearest shallower heading", "[model][import]") {
    const auto doc =
        import_markdown("## Stappenplan\n#### Stap 1\n### Stap 2\n# Budget\n### Post\n");
    INFO(describe(doc));
    REQUIRE(doc.sections.size() == 5);
    CHECK(doc.sections[0].parent_id.empty());
    CHECK(doc.sections[1].parent_id == "stappenplan");
    CHECK(doc.sections[2].parent_id == "stappenplan");
    CHECK(doc.sections[3].parent_id.empty());
    CHECK(doc.sections[4].parent_id == "budget");
    CHECK(doc.sections[4].level == 3);
}

TEST_CASE("text before the first heading becomes an Inleiding only when it is not blank",
          "[model][import]") {
    SECTION("non-blank preamble") {
        const auto doc =
            import_markdown("Een gemeente veilig houden doen we samen.\n\n## Doelen\nx");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0] == ImportedSection{"inleiding", "", "Inleiding",
                                                 "Een gemeente veilig houden doen we samen.", 1});
        // The preamble never adopts the headings that follow it.
        CHECK(doc.sections[1].parent_id.empty());
    }
    SECTION("blank preamble") {
        const auto doc = import_markdown("\n   \n\t\n# Doelen\n");
        REQUIRE(doc.sections.size() == 1);
        CHECK(doc.sections[0].id == "doelen");
    }
    SECTION("no heading at all") {
        const auto doc = import_markdown("Alleen tekst.\n");
        REQUIRE(doc.sections.size() == 1);
        CHECK(doc.sections[0].title == "Inleiding");
        CHECK(doc.sections[0].text == "Alleen tekst.");
    }
    SECTION("empty input") {
        CHECK(import_markdown("").sections.empty());
        CHECK(import_markdown("\n\n").sections.empty());
    }
    SECTION("a heading Inleiding after the preamble gets its own id") {
        const auto doc = import_markdown("Voorwoord.\n# Inleiding\nTekst.\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].id == "inleiding");
        CHECK(doc.sections[1].id == "inleiding-2");
    }
}

TEST_CASE("duplicate titles get -2, -3 within 48 characters", "[model][import]") {
    const std::string long_title(60, 'w');
    const auto doc = import_markdown("# Doelen\n# Doelen\n## Doelen\n# Doelen-2\n# " + long_title +
                                     "\n# " + long_title + "\n# ?\n# !\n");
    INFO(describe(doc));
    REQUIRE(doc.sections.size() == 8);
    CHECK(doc.sections[0].id == "doelen");
    CHECK(doc.sections[1].id == "doelen-2");
    CHECK(doc.sections[2].id == "doelen-3");
    CHECK(doc.sections[2].parent_id == "doelen-2");
    CHECK(doc.sections[3].id == "doelen-2-2");
    CHECK(doc.sections[4].id == std::string(48, 'w'));
    CHECK(doc.sections[5].id == std::string(46, 'w') + "-2");
    CHECK(doc.sections[6].id == "sectie");
    CHECK(doc.sections[7].id == "sectie-2");
    std::set<std::string> ids;
    for (const auto& s : doc.sections) ids.insert(s.id);
    CHECK(ids.size() == doc.sections.size());
}

TEST_CASE("ATX heading syntax follows CommonMark", "[model][import]") {
    SECTION("closing hashes and surrounding space are not part of the title") {
        const auto doc = import_markdown("##   Prioriteiten ##   \n### Budget #\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].title == "Prioriteiten");
        CHECK(doc.sections[1].title == "Budget");
    }
    SECTION("a hash glued to the title stays") {
        const auto doc = import_markdown("# C#\n# Thema \\#\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].title == "C#");
        // CommonMark reads "\\#" as an escaped '#': the title is its plain text, "#".
        CHECK(doc.sections[1].title == "Thema #");
    }
    SECTION("lines that are not headings stay text") {
        const auto doc = import_markdown(
            "# Tekst\n#hashtag\n####### zeven\n    # ingesprongen code\n> # citaat\n- # lijst\n"
            "\\# escaped\n   # drie spaties is wel een kop\n");
        INFO(describe(doc));
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].text ==
              "#hashtag\n####### zeven\n    # ingesprongen code\n> # citaat\n- # lijst\n"
              "\\# escaped");
        CHECK(doc.sections[1].title == "drie spaties is wel een kop");
    }
    SECTION("an empty heading") {
        const auto doc = import_markdown("#\n## ##\ntekst\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].title.empty());
        CHECK(doc.sections[0].id == "sectie");
        CHECK(doc.sections[1].title.empty());
        CHECK(doc.sections[1].parent_id == "sectie");
        CHECK(doc.sections[1].text == "tekst");
    }
    SECTION("six levels") {
        const auto doc = import_markdown("# a\n## b\n### c\n#### d\n##### e\n###### f\n");
        REQUIRE(doc.sections.size() == 6);
        for (std::size_t i = 1; i < 6; ++i) {
            CHECK(doc.sections[i].parent_id == doc.sections[i - 1].id);
            CHECK(doc.sections[i].level == static_cast<int>(i) + 1);
        }
    }
}

TEST_CASE("headings inside fenced code blocks are text", "[model][import]") {
    SECTION("backticks") {
        const auto doc = import_markdown("# Voorbeeld\n```markdown\n# Geen kop\n```\n# Volgende\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].text == "```markdown\n# Geen kop\n```");
    }
    SECTION("tildes, and a longer closing fence") {
        const auto doc = import_markdown("# A\n~~~~\n# x\n~~~\n# y\n~~~~~~\n# B\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].text == "~~~~\n# x\n~~~\n# y\n~~~~~~");
        CHECK(doc.sections[1].title == "B");
    }
    SECTION("a fence of the other character does not close") {
        const auto doc = import_markdown("# A\n```\n~~~\n# x\n```\n# B\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[1].title == "B");
    }
    SECTION("an unclosed fence runs to the end of the document") {
        const auto doc = import_markdown("# A\n```\n# x\n\n# y\n");
        REQUIRE(doc.sections.size() == 1);
        CHECK(doc.sections[0].text == "```\n# x\n\n# y");
    }
    SECTION("inline code with three backticks is not a fence") {
        const auto doc = import_markdown("# A\n```code``` hier\n# B\n");
        REQUIRE(doc.sections.size() == 2);
    }
    SECTION("an indented fence (up to three spaces) counts, four spaces is code") {
        const auto doc = import_markdown("# A\n   ```\n# x\n   ```\n    ```\n# B\n");
        INFO(describe(doc));
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[1].title == "B");
    }
    SECTION("a fenced block in the preamble") {
        const auto doc = import_markdown("```\n# x\n```\n# A\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].title == "Inleiding");
        CHECK(doc.sections[0].text == "```\n# x\n```");
    }
}

TEST_CASE("setext headings start sections like ATX headings", "[model][import]") {
    SECTION("=== is level 1, --- is level 2") {
        const auto doc = import_markdown(
            "Veiligheidsvelden\n=================\nVijf velden.\n\nJeugd\n-----\nOverlast.\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0] ==
              ImportedSection{"veiligheidsvelden", "", "Veiligheidsvelden", "Vijf velden.", 1});
        CHECK(doc.sections[1] ==
              ImportedSection{"jeugd", "veiligheidsvelden", "Jeugd", "Overlast.", 2});
    }
    SECTION("setext and ATX headings nest together") {
        const auto doc = import_markdown("Plan\n===\n### Stap 1\n\nDoelen\n---\n## Budget\n");
        INFO(describe(doc));
        REQUIRE(doc.sections.size() == 4);
        CHECK(doc.sections[1].parent_id == "plan");
        CHECK(doc.sections[2].parent_id == "plan");  // "Doelen" (2) closes "Stap 1" (3)
        CHECK(doc.sections[2].level == 2);
        CHECK(doc.sections[3].parent_id == "plan");
    }
    SECTION("a title over several lines, indented, with a long underline and trailing space") {
        const auto doc = import_markdown("Integraal\n  veiligheidsplan  \n   ======   \nTekst.\n");
        REQUIRE(doc.sections.size() == 1);
        CHECK(doc.sections[0].title == "Integraal veiligheidsplan");
        CHECK(doc.sections[0].text == "Tekst.");
    }
    SECTION("a text before a setext heading is the Inleiding, not part of the title") {
        const auto doc = import_markdown("Voorwoord.\n\nDoelen\n------\nx\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].text == "Voorwoord.");
        CHECK(doc.sections[1].title == "Doelen");
    }
    SECTION("--- after a blank line, or under a list, is a rule, not a heading") {
        const auto doc = import_markdown("# A\nAlinea.\n\n---\n- punt\n---\nSlot.\n");
        REQUIRE(doc.sections.size() == 1);
        CHECK(doc.sections[0].text == "Alinea.\n\n---\n- punt\n---\nSlot.");
    }
    SECTION("link reference definitions above a setext title stay text") {
        const auto doc = import_markdown("# A\n[vng]: https://vng.nl\nDoelen\n===\nZie [vng].\n");
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].text == "[vng]: https://vng.nl");
        CHECK(doc.sections[1].title == "Doelen");
        CHECK(doc.sections[1].text == "Zie [vng].");
    }
    SECTION("below link reference definitions, a title line that looks like an underline") {
        // cmark reads "===" here as the first line of the title, as the definitions above take
        // no underline; the underline is the second "===".
        const auto doc =
            import_markdown("# A\n[vng]: https://vng.nl\n[ivp]: /ivp\n===\nZie\n===\nTekst.\n");
        INFO(describe(doc));
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].text == "[vng]: https://vng.nl\n[ivp]: /ivp");
        CHECK(doc.sections[1].title == "=== Zie");
        CHECK(doc.sections[1].text == "Tekst.");
    }
    SECTION("a title line with a NUL, which cmark reads as U+FFFD") {
        const auto doc =
            import_markdown(std::string("# A\n[v]: /u\n[v]: /w\n===\nZie\0\n===\nTekst.\n", 40));
        INFO(describe(doc));
        REQUIRE(doc.sections.size() == 2);
        CHECK(doc.sections[0].text == "[v]: /u\n[v]: /w");
        CHECK(doc.sections[1].text == "Tekst.");
    }
}

TEST_CASE("a # line is a heading only at the top level of the document", "[model][import]") {
    const auto text_of_one_section = [](std::string_view md) {
        const auto doc = import_markdown(md);
        INFO(describe(doc));
        REQUIRE(doc.sections.size() == 1);
        return doc.sections[0].text;
    };
    SECTION("in indented code") {
        CHECK(text_of_one_section("# A\n\n    # code\n    ## meer code\n") ==
              "    # code\n    ## meer code");
    }
    SECTION("in fenced code, with a language") {
        CHECK(text_of_one_section("# A\n``` sh\n# commentaar\n```\n") ==
              "``` sh\n# commentaar\n```");
    }
    SECTION("in a list item") {
        CHECK(text_of_one_section("# A\n- # kop in een lijst\n- punt\n  # ook in de lijst\n") ==
              "- # kop in een lijst\n- punt\n  # ook in de lijst");
    }
    SECTION("in a block quote, and a line that continues it lazily") {
        CHECK(text_of_one_section("# A\n> # citaat\n>\n> Kampen en\nStaphorst\n") ==
              "> # citaat\n>\n> Kampen en\nStaphorst");
    }
    SECTION("in an HTML block") {
        CHECK(text_of_one_section("# A\n<div class=\"kader\">\n# geen kop\n</div>\n") ==
              "<div class=\"kader\">\n# geen kop\n</div>");
        CHECK(text_of_one_section("# A\n<!--\n# uitgecommentarieerd\n-->\n") ==
              "<!--\n# uitgecommentarieerd\n-->");
    }
    SECTION("a #hashtag, seven #s or an escaped # is no heading") {
        CHECK(text_of_one_section("# A\n#hashtag\n####### zeven\n\\# geen kop\n") ==
              "#hashtag\n####### zeven\n\\# geen kop");
    }
    SECTION("but a heading ends a paragraph, a list or a block quote before it") {
        const auto doc = import_markdown("Tekst\n# A\n- punt\n# B\n> citaat\n# C\n");
        REQUIRE(doc.sections.size() == 4);
        CHECK(doc.sections[0].text == "Tekst");
        CHECK(doc.sections[1].text == "- punt");
        CHECK(doc.sections[2].text == "> citaat");
        CHECK(doc.sections[3].title == "C");
    }
}

TEST_CASE("a title is the plain text of its heading", "[model][import]") {
    // The section tree and the plan show a title as text, where Markdown marks would show as such.
    const auto title = [](std::string_view md) { return import_markdown(md).sections.at(0).title; };
    CHECK(title("# *Samen* waar het __kan__\n") == "Samen waar het kan");
    CHECK(import_markdown("# *Samen* waar het kan\n").sections.at(0).id == "samen-waar-het-kan");
    CHECK(title("## [Kernbeleid Veiligheid](https://vng.nl/kernbeleid) 2023 ##\n") ==
          "Kernbeleid Veiligheid 2023");
    CHECK(title("# De `samen` CLI\n") == "De samen CLI");
    CHECK(title("# ![Logo](logo.png) IJsselland\n") == "Logo IJsselland");
    CHECK(title("# Caf&eacute;s &amp; terrassen\n") == "Cafés & terrassen");
    CHECK(title("# Kop <abbr>IVP</abbr>\n") == "Kop IVP");
    CHECK(title("Twee\n*regels*\n===\n") == "Twee regels");
    CHECK(title("### Prioriteiten ###\n") == "Prioriteiten");
    CHECK(title("# Budget #####   \n") == "Budget");
    CHECK(title("# Budget#\n") == "Budget#");
}

TEST_CASE("tables stay whole in a section's text", "[model][import]") {
    const std::string table =
        "| Veld | Prioriteit |\n"
        "|:-----|-----------:|\n"
        "| Jeugd | hoog |\n"
        "| Verkeer | laag |";
    SECTION("a table between paragraphs") {
        const auto doc = import_markdown("# Prioriteiten\nOverzicht:\n" + table + "\n\nSlot.\n");
        REQUIRE(doc.sections.size() == 1);
        CHECK(doc.sections[0].text == "Overzicht:\n" + table + "\n\nSlot.");
    }
    SECTION("a line of dashes or equals signs under a table underlines no heading") {
        // Without GitHub's tables, these lines would make the whole table one setext title.
        for (const std::string underline : {"---", "==="}) {
            const auto doc = import_markdown("# Prioriteiten\n" + table + "\n" + underline + "\n");
            INFO(underline << "\n" << describe(doc));
            REQUIRE(doc.sections.size() == 1);
            CHECK(doc.sections[0].text == table + "\n" + underline);
        }
    }
}

TEST_CASE("a section's text is the source as written", "[model][import]") {
    const std::string body =
        "Eerste regel met twee spaties  \n"
        "\tmet een tab,  *nadruk*, __vet__ en <b>HTML</b>.\n"
        "\n"
        "*   ster-lijst\n"
        "1)  genummerd\n"
        "\n"
        "[vng]: https://vng.nl  \"VNG\"\n"
        "Slot &amp; \\*escape\\*   ";
    const auto doc = import_markdown("# A\n" + body + "\n\n# B\n[alleen]: /een-definitie\n# C\n");
    REQUIRE(doc.sections.size() == 3);
    CHECK(doc.sections[0].text == body);
    // A link reference definition is no block of its own in cmark's tree; it is text all the same.
    CHECK(doc.sections[1].text == "[alleen]: /een-definitie");
    CHECK(doc.sections[2].text.empty());
}

TEST_CASE("empty sections and deep nesting", "[model][import]") {
    const auto doc = import_markdown("# Plan\n### Diep\n\n\n## Midden\n# Leeg\n\n#### Heel diep\n");
    INFO(describe(doc));
    REQUIRE(doc.sections.size() == 5);
    CHECK(doc.sections[1] == ImportedSection{"diep", "plan", "Diep", "", 3});
    CHECK(doc.sections[2] == ImportedSection{"midden", "plan", "Midden", "", 2});
    CHECK(doc.sections[3] == ImportedSection{"leeg", "", "Leeg", "", 1});
    CHECK(doc.sections[4] == ImportedSection{"heel-diep", "leeg", "Heel diep", "", 4});
    for (const auto& s : doc.sections) CHECK(s.text.empty());
}

TEST_CASE("section text keeps its Markdown and inner blank lines", "[model][import]") {
    const auto doc = import_markdown(
        "# Uitgangspunten\n\n\nEerste alinea met  \nharde regelafbreking.\n\n\n- punt\n  - sub\n\n"
        "| a | b |\n|---|---|\n\n\n");
    REQUIRE(doc.sections.size() == 1);
    CHECK(
        doc.sections[0].text ==
        "Eerste alinea met  \nharde regelafbreking.\n\n\n- punt\n  - sub\n\n| a | b |\n|---|---|");
}

TEST_CASE("CRLF and CR line endings and a byte order mark", "[model][import]") {
    const auto crlf = import_markdown("\xEF\xBB\xBF# Inleiding\r\nRegel een\r\nRegel twee\r\n");
    REQUIRE(crlf.sections.size() == 1);
    CHECK(crlf.sections[0].title == "Inleiding");
    CHECK(crlf.sections[0].text == "Regel een\nRegel twee");

    const auto cr = import_markdown("# A\rtekst\r# B\r");
    REQUIRE(cr.sections.size() == 2);
    CHECK(cr.sections[0].text == "tekst");

    // Line ends become LF in the text too: the editor's text has LF only.
    const auto blocks = import_markdown(
        "Titel\r\n=====\r\n```\r\n# x\r\n```\r\n\r\n| a |\r\n|---|\r\n\r\nSub\r---\r");
    INFO(describe(blocks));
    REQUIRE(blocks.sections.size() == 2);
    CHECK(blocks.sections[0].title == "Titel");
    CHECK(blocks.sections[0].text == "```\n# x\n```\n\n| a |\n|---|");
    CHECK(blocks.sections[1] == ImportedSection{"sub", "titel", "Sub", "", 2});

    // What the sections' texts are lines of.
    CHECK(samen::model::markdown_source("\xEF\xBB\xBF# A\r\nb\rc\n\r") == "# A\nb\nc\n\n");
    CHECK(samen::model::markdown_source("a\xEF\xBB\xBF") == "a\xEF\xBB\xBF");
}

TEST_CASE("a second byte order mark, which cmark skips, leaves an ATX heading one",
          "[model][import]") {
    // The import drops the first mark and cmark the second, so the line holds a heading for
    // cmark though it starts with a mark.
    const std::string bom = "\xEF\xBB\xBF";
    const auto doc = import_markdown(bom + bom + "# Titel\nTekst.\nMeer\n===\n");
    INFO(describe(doc));
    REQUIRE(doc.sections.size() == 2);
    CHECK(doc.sections[0] == ImportedSection{"titel", "", "Titel", "", 1});
    CHECK(doc.sections[1] == ImportedSection{"tekst-meer", "", "Tekst. Meer", "", 1});
    // An empty heading there has no title text for cmark to keep: nothing may read one.
    const auto empty = import_markdown(bom + bom + "#\n");
    REQUIRE(empty.sections.size() == 1);
    CHECK(empty.sections[0] == ImportedSection{"sectie", "", "", "", 1});
}

TEST_CASE("invalid UTF-8 is refused with invalid_argument", "[model][import]") {
    CHECK_THROWS_AS(import_markdown("# Inleiding\nrecre\xE9ren\n"), std::invalid_argument);
    CHECK_THROWS_AS(import_markdown("\xFF"), std::invalid_argument);
    CHECK_THROWS_AS(import_markdown("# a\n\xC3"), std::invalid_argument);
    CHECK_THROWS_WITH(import_markdown("abc\x80"), Catch::Contains("byte 3"));
}

TEST_CASE("import never fails on valid but odd input", "[model][import]") {
    // A fixed-seed sweep over lines made of the characters that drive the parser. Every section's
    // text must stand in the source as it is, in order.
    using namespace std::string_view_literals;
    const std::string_view alphabet[] = {
        "#",   "# ",   "##",    "```",   "~~~", " ", "\t",    "\n",     "\r\n",
        "é",   "ĳ",    "a",     "’",     "\\",  ">", "-",     "\0"sv,   "===",
        "---", "    ", "| a |", "|---|", "*",   "`", "<div>", "[a]: /u"};
    std::uint32_t seed = 20230328;
    INFO("seed " << seed);
    auto next = [&seed] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    for (int round = 0; round < 2000; ++round) {
        std::string md;
        const auto length = next() % 40;
        for (std::uint32_t i = 0; i < length; ++i) md += alphabet[next() % std::size(alphabet)];
        INFO("round " << round);
        const auto doc = import_markdown(md);
        std::set<std::string> ids;
        std::string lf;
        for (std::size_t i = 0; i < md.size(); ++i) {
            if (md[i] != '\r')
                lf += md[i];
            else if (i + 1 == md.size() || md[i + 1] != '\n')
                lf += '\n';
        }
        std::size_t at = 0;
        for (const auto& s : doc.sections) {
            CHECK_FALSE(s.id.empty());
            CHECK(s.id.size() <= samen::model::kMaxSlugLength);
            CHECK((s.parent_id.empty() || ids.contains(s.parent_id)));
            CHECK(ids.insert(s.id).second);
            const auto found = lf.find(s.text, at);
            REQUIRE(found != std::string::npos);
            at = found + s.text.size();
        }
    }
}
