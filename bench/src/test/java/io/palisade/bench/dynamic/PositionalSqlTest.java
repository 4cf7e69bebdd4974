package io.palisade.bench.dynamic;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PositionalSqlTest {

    @Test
    void placeholdersBecomeQuestionMarksBoundInOrderOfAppearance() {
        PositionalSql q = PositionalSql.from("select $2::text, $1::bigint, $2, $10", List.of(1L, "b", 3, 4, 5, 6, 7, 8, 9, "ten"));
        assertEquals("select ?::text, ?::bigint, ?, ?", q.sql());
        assertEquals(List.of("b", 1L, "b", "ten"), q.values());
    }

    @Test
    void literalsIdentifiersAndCommentsAreLeftAlone() {
        PositionalSql q = PositionalSql.from("""
                select '$1 it''s', E'\\'$1', "col$1", $tag$ $1 $tag$, $$ $1 $$, a$1 -- $1
                /* $1 /* $1 */ */ from t where x = $1""", List.of("v"));
        assertEquals("""
                select '$1 it''s', E'\\'$1', "col$1", $tag$ $1 $tag$, $$ $1 $$, a$1 -- $1
                /* $1 /* $1 */ */ from t where x = ?""", q.sql());
        assertEquals(List.of("v"), q.values());
    }

    @Test
    void aLiteralQuestionMarkIsEscapedForJdbc() {
        assertEquals("select inventory ?? 'os' from device where id = ?",
                PositionalSql.from("select inventory ? 'os' from device where id = $1", List.of("x")).sql());
    }

    @Test
    void aPlaceholderWithoutAValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PositionalSql.from("select $2", List.of("only one")));
        assertThrows(IllegalArgumentException.class, () -> PositionalSql.from("select $0", List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> PositionalSql.from("select 'open", List.of()));
    }

    @Test
    void compiledRulesTranslateWithTheirScopeParameters() {
        Scenario nested = Scenario.all().get(1);
        PositionalSql q = Evaluations.templateQuery(nested, QueryForm.FILL);
        assertEquals(q.values().size(), q.sql().chars().filter(c -> c == '?').count());
        assertEquals(QueryForm.FILL.scope(), q.values().subList(0, 2));
    }
}
