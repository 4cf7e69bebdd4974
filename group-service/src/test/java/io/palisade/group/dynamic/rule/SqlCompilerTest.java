package io.palisade.group.dynamic.rule;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.palisade.group.dynamic.rule.RuleParserTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shape of the SQL (index-friendly forms, parameters); what it selects is checked against PostgreSQL elsewhere. */
class SqlCompilerTest {

    private static SqlPredicate compile(String rule, int first) {
        return SqlCompiler.compile(RuleParser.parse(json(rule)), "d", first);
    }

    @Test
    void positiveConditionsUseIndexableForms() {
        SqlPredicate p = compile("""
                {'op':'AND','rules':[
                  {'attribute':'os.platform','operator':'EQ','value':'WINDOWS'},
                  {'attribute':'tags','operator':'EQ','value':'Server'},
                  {'attribute':'products.name','operator':'IN','value':['ESET Endpoint Security','Chrome']},
                  {'attribute':'os.platform','operator':'IN','value':['LINUX','MACOS']}]}""", 3);
        assertEquals("((d.os_platform = $3::text AND d.tags @> ARRAY[$4::text] AND d.product_names && $5::text[]"
                + " AND d.os_platform = ANY ($6::text[])))", p.sql());
        assertEquals("windows", p.parameters().get(0));
        assertEquals("server", p.parameters().get(1));
        assertArrayEquals(new String[] {"eset endpoint security", "chrome"}, (String[]) p.parameters().get(2));
        assertArrayEquals(new String[] {"linux", "macos"}, (String[]) p.parameters().get(3));
    }

    @Test
    void negationsArePushedDownToTheConditions() {
        SqlPredicate p = compile("""
                {'op':'NOR','rules':[
                  {'attribute':'products.name','operator':'CONTAINS','value':'eset'},
                  {'attribute':'tags','operator':'NE','value':'vip'}]}""", 1);
        assertEquals("((NOT coalesce(EXISTS (SELECT 1 FROM unnest(d.product_names) AS x_d(v) WHERE x_d.v LIKE "
                + "$1::text), false) AND d.tags @> ARRAY[$2::text]))", p.sql());
        assertEquals(List.of("%eset%", "vip"), p.parameters());
    }

    @Test
    void theNegationCanBeCompiledDirectly() {
        String rule = "{'op':'AND','rules':[{'attribute':'os.platform','operator':'EQ','value':'LINUX'}]}";
        assertEquals("(NOT coalesce(d.os_platform = $1::text, false))",
                SqlCompiler.compileNot(RuleParser.parse(json(rule)), "d", 1).sql());
    }

    @Test
    void valuesAreParametersNeverSqlText() {
        Rule rule = new Rule.Group(Op.OR, List.of(
                new Rule.Condition(Attribute.HOSTNAME, Operator.EQ, "x'; DROP TABLE device; --"),
                new Rule.Condition(Attribute.HOSTNAME, Operator.STARTS_WITH, "50%_off\\")));
        SqlPredicate p = SqlCompiler.compile(RuleParser.parse(RuleParser.toJson(rule)), "d", 1);
        assertFalse(p.sql().contains("DROP"));
        assertEquals(List.of("x'; drop table device; --", "50\\%\\_off\\\\%"), p.parameters());
    }

    @Test
    void numbersAndVersionsBindTypedValues() {
        SqlPredicate p = compile("""
                {'op':'AND','rules':[
                  {'attribute':'hardware.ramMb','operator':'GE','value':8192},
                  {'attribute':'hardware.ramMb','operator':'IN','value':[1, 2]},
                  {'attribute':'os.version','operator':'LT','value':'10.0.9'},
                  {'attribute':'products.version','operator':'GT','value':'1.2'},
                  {'attribute':'network.ipv4','operator':'IN','value':['10.0.0.0/8']}]}""", 1);
        assertTrue(p.sql().contains("d.ram_mb >= $1::bigint"), p.sql());
        assertTrue(p.sql().contains("d.ram_mb = ANY ($2::bigint[])"), p.sql());
        assertTrue(p.sql().contains("d.os_version_key < ($3::text COLLATE \"C\")"), p.sql());
        assertTrue(p.sql().contains("($4::text COLLATE \"C\") < ANY (d.product_version_keys)"), p.sql());
        assertTrue(p.sql().contains("x_d.v <<= ANY ($5::text[]::cidr[])"), p.sql());
        assertEquals(8192L, p.parameters().get(0));
        assertArrayEquals(new Long[] {1L, 2L}, (Long[]) p.parameters().get(1));
        assertEquals("0000000010.0000000000.0000000009", p.parameters().get(2));
    }

    @Test
    void emptyGroupsAreConstants() {
        assertEquals("(TRUE)", compile("{'op':'AND','rules':[]}", 1).sql());
        assertEquals("(FALSE)", compile("{'op':'OR','rules':[]}", 1).sql());
        assertEquals("(FALSE)", compile("{'op':'NAND','rules':[]}", 1).sql());
        assertEquals("(TRUE)", compile("{'op':'NOR','rules':[]}", 1).sql());
        assertEquals("coalesce((TRUE), false)", compile("{'op':'AND','rules':[]}", 1).booleanSql());
    }

    @Test
    void jdbcPlaceholders() {
        SqlPredicate p = SqlCompiler.compile(RuleParser.parse(json("{'op':'AND','rules':["
                + "{'attribute':'hostname','operator':'EQ','value':'a'},{'attribute':'tags','operator':'EQ','value':'b'}]}")),
                "dev", 1, false, SqlCompiler.Placeholders.QUESTION_MARK);
        assertEquals("((dev.hostname = ?::text AND dev.tags @> ARRAY[?::text]))", p.sql());
    }

    @Test
    void theAliasMustBeAnIdentifier() {
        Rule rule = RuleParser.parse(json("{'op':'AND','rules':[]}"));
        assertThrows(IllegalArgumentException.class, () -> SqlCompiler.compile(rule, "d; drop", 1));
        assertThrows(IllegalArgumentException.class, () -> SqlCompiler.compile(rule, "d", 0));
    }
}
