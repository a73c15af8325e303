package startos.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The host's check of action input against the package's InputSpec. The form is the one the
 * official SDK builds ({@code sdk-input-spec.json}: every ValueSpec type, made with {@code
 * InputSpec.of}/{@code Value.*}/{@code List.*}/{@code Variants.of}); regenerate it after an SDK
 * upgrade with {@code cd test-tools/sdk-compat && node input-spec-fixture.mjs >
 * ../../daemon/src/test/resources/startos/action/sdk-input-spec.json} (the form itself is in {@code
 * input-spec-form.mjs}; {@code input-spec-oracle.mjs} runs the SDK's parser on what the host
 * accepts).
 */
class InputSpecValidatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode FIXTURE = load();

  private static JsonNode load() {
    try (InputStream in =
        InputSpecValidatorTest.class.getResourceAsStream("/startos/action/sdk-input-spec.json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode spec() {
    return FIXTURE.get("spec");
  }

  private static ObjectNode good() {
    return FIXTURE.get("goodInput").deepCopy();
  }

  private static List<String> errors(JsonNode spec, JsonNode input) {
    InputCheck check = InputSpecValidator.validate(spec, input);
    InputCheck.Refused refused = assertInstanceOf(InputCheck.Refused.class, check);
    return refused.errors().stream().map(FieldError::toString).toList();
  }

  private static List<String> refusal(Consumer<ObjectNode> change) {
    ObjectNode input = good();
    change.accept(input);
    return errors(spec(), input);
  }

  private static ObjectNode accepted(JsonNode spec, JsonNode input) {
    InputCheck check = InputSpecValidator.validate(spec, input);
    if (check instanceof InputCheck.Refused r) {
      throw new AssertionError("refused: " + r.errors());
    }
    return ((InputCheck.Accepted) check).input();
  }

  private static ObjectNode accepted(Consumer<ObjectNode> change) {
    ObjectNode input = good();
    change.accept(input);
    return accepted(spec(), input);
  }

  private static ObjectNode server(String host, int port) {
    ObjectNode s = JSON.createObjectNode().put("host", host).put("port", port);
    s.putNull("note");
    return s;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- the whole SDK-built form ---

  @Test
  void sdkBuiltFormAcceptsGoodInputAndHandsThePackageWhatTheSdkParserWould() {
    ObjectNode out = accepted(spec(), FIXTURE.get("goodInput"));
    assertEquals(FIXTURE.get("sdkParsed"), tree(out.toString()));
    assertEquals(
        "kept by the SDK, whose parser is loose",
        out.get("notAField").asText(),
        "unknown keys stay");
  }

  @Test
  void inputThatIsNotAnObjectIsRefused() {
    assertEquals(List.of("input: must be an object of fields"), errors(spec(), tree("[1]")));
  }

  @Test
  void refusalBecomesOneActionErrorListingEveryField() {
    InputCheck check =
        InputSpecValidator.validate(
            spec(), ((ObjectNode) good().put("port", 70000)).put("network", "regtest"));
    RpcException e =
        assertThrows(RpcException.class, check::orThrow, "orThrow refuses a refused input");
    assertEquals(ErrorKind.ACTION, e.kind());
    assertEquals(
        "invalid input: \"port\": must be at most 65535; \"network\": must be one of: main, test",
        e.getMessage());
    assertEquals(
        tree(
            "{\"errors\":[{\"path\":\"port\",\"message\":\"must be at most 65535\"},"
                + "{\"path\":\"network\",\"message\":\"must be one of: main, test\"}]}"),
        e.info().orElseThrow());
  }

  // --- text ---

  @Test
  void requiredTextLeftOutIsRequired() {
    assertEquals(List.of("\"name\": required"), refusal(in -> in.remove("name")));
  }

  @Test
  void requiredTextEmptyIsRequired() {
    assertEquals(List.of("\"name\": required"), refusal(in -> in.put("name", "")));
  }

  @Test
  void textShorterThanMinLengthIsRefused() {
    assertEquals(
        List.of("\"name\": must be at least 3 characters"), refusal(in -> in.put("name", "ab")));
  }

  @Test
  void textLongerThanMaxLengthIsRefused() {
    assertEquals(
        List.of("\"name\": must be at most 12 characters"),
        refusal(in -> in.put("name", "abcdefghijklm")));
  }

  @Test
  void textNotMatchingAPatternIsToldThePatternsDescription() {
    assertEquals(
        List.of("\"name\": Lowercase letters, digits and dashes, starting with a letter"),
        refusal(in -> in.put("name", "Alice")));
  }

  @Test
  void textPatternWithoutDescriptionNamesThePattern() {
    JsonNode spec =
        tree(
            "{\"code\":{\"type\":\"text\",\"required\":true,\"patterns\":[{\"regex\":\"\\\\d+\"}]}}");
    assertEquals(
        List.of("\"code\": must match the pattern \"\\d+\""),
        errors(spec, tree("{\"code\":\"x1\"}")));
  }

  @Test
  void patternIsAnchoredAtBothEndsAsStartOsUiAnchorsIt() {
    // Angular's Validators.pattern appends `$` to `^https?://`: only the bare scheme matches
    JsonNode spec =
        tree(
            "{\"url\":{\"type\":\"text\",\"patterns\":[{\"regex\":\"^https?://\","
                + "\"description\":\"Must start with http:// or https://\"}]}}");
    assertEquals(
        List.of("\"url\": Must start with http:// or https://"),
        errors(spec, tree("{\"url\":\"https://start9.com\"}")));
    accepted(spec, tree("{\"url\":\"https://\"}"));
  }

  @Test
  void textOfAnotherJsonTypeIsRefused() {
    assertEquals(List.of("\"name\": must be a string"), refusal(in -> in.put("name", 42)));
  }

  @Test
  void maskedTextIsRefusedWithoutRepeatingTheValue() {
    List<String> errors = refusal(in -> in.put("password", "hunter2"));
    assertEquals(List.of("\"password\": must be at least 8 characters"), errors);
    assertTrue(errors.stream().noneMatch(e -> e.contains("hunter2")));
  }

  @Test
  void textWithGenerateAcceptsAValueTheUserTyped() {
    assertEquals(
        "typed-by-me", accepted(in -> in.put("password", "typed-by-me")).get("password").asText());
  }

  @Test
  void optionalTextEmptyOrLeftOutReachesThePackageAsNull() {
    assertTrue(accepted(in -> in.put("email", "")).get("email").isNull());
    assertTrue(accepted(in -> in.remove("email")).get("email").isNull());
  }

  @Test
  void textLongerThanTheHostLimitIsRefusedBeforeAnyPatternRuns() {
    String huge = "a".repeat(InputSpecValidator.MAX_STRING_LENGTH + 1);
    assertEquals(
        List.of("\"email\": must be at most 1048576 characters"),
        refusal(in -> in.put("email", huge)));
  }

  // --- textarea ---

  @Test
  void textareaLongerThanMaxLengthIsRefused() {
    assertEquals(
        List.of("\"bio\": must be at most 200 characters"),
        refusal(in -> in.put("bio", "x\n".repeat(101))));
  }

  // --- number ---

  @Test
  void numberAboveMaxIsRefused() {
    assertEquals(List.of("\"port\": must be at most 65535"), refusal(in -> in.put("port", 65536)));
  }

  @Test
  void numberBelowMinIsRefused() {
    assertEquals(List.of("\"port\": must be at least 1"), refusal(in -> in.put("port", 0)));
  }

  @Test
  void fractionWhereAnIntegerIsRequiredIsRefused() {
    assertEquals(List.of("\"port\": must be an integer"), refusal(in -> in.put("port", 80.5)));
  }

  @Test
  void numberOffItsStepIsRefused() {
    assertEquals(
        List.of("\"ratio\": must be a multiple of 0.25"), refusal(in -> in.put("ratio", 0.3)));
    assertEquals(0.75, accepted(in -> in.put("ratio", 0.75)).get("ratio").asDouble());
  }

  @Test
  void stepCountsFromTheMinimum() {
    JsonNode spec = tree("{\"n\":{\"type\":\"number\",\"required\":true,\"min\":3,\"step\":5}}");
    assertEquals(
        List.of("\"n\": must be 3 plus a multiple of 5"), errors(spec, tree("{\"n\":10}")));
    assertEquals(13, accepted(spec, tree("{\"n\":13}")).get("n").asInt());
  }

  @Test
  void numberSentAsTextIsRefused() {
    assertEquals(List.of("\"port\": must be a number"), refusal(in -> in.put("port", "8080")));
  }

  @Test
  void requiredNumberNullIsRequired() {
    assertEquals(List.of("\"port\": required"), refusal(in -> in.putNull("port")));
  }

  @Test
  void wholeNumberWrittenWithADecimalPointReachesThePackageAsAnInteger() {
    assertEquals("8333", accepted(in -> in.put("port", 8333.0)).get("port").toString());
  }

  // --- color ---

  @Test
  void colorThatIsNoHexColorIsRefused() {
    assertEquals(
        List.of("\"accent\": must be a color like #1a2b3c"),
        refusal(in -> in.put("accent", "red")));
    assertEquals(
        List.of("\"accent\": must be a color like #1a2b3c"),
        refusal(in -> in.put("accent", "#12345")));
  }

  // --- datetime ---

  @Test
  void dateInAnotherFormatIsRefused() {
    assertEquals(
        List.of("\"birthday\": must be a date like 2024-01-31"),
        refusal(in -> in.put("birthday", "17/05/1990")));
    assertEquals(
        List.of("\"birthday\": must be a date like 2024-01-31"),
        refusal(in -> in.put("birthday", "2024-02-30")));
  }

  @Test
  void dateBeforeMinIsRefused() {
    assertEquals(
        List.of("\"birthday\": must be 1900-01-01 or later"),
        refusal(in -> in.put("birthday", "1850-01-01")));
  }

  @Test
  void timeOutsideItsRangeIsRefused() {
    assertEquals(
        List.of("\"alarm\": must be 06:00 or later"), refusal(in -> in.put("alarm", "05:59")));
    assertEquals(
        List.of("\"alarm\": must be 22:00 or earlier"), refusal(in -> in.put("alarm", "22:00:01")));
    assertEquals(List.of("\"alarm\": required"), refusal(in -> in.remove("alarm")));
  }

  @Test
  void dateTimeLocalNeedsTheTSeparator() {
    assertEquals(
        List.of("\"meeting\": must be a date and time like 2024-01-31T13:45"),
        refusal(in -> in.put("meeting", "2030-01-02 10:15")));
    assertEquals(
        "2030-01-02T10:15:30",
        accepted(in -> in.put("meeting", "2030-01-02T10:15:30")).get("meeting").asText());
  }

  // --- toggle, triState ---

  @Test
  void toggleMustBeABoolean() {
    assertEquals(
        List.of("\"enabled\": must be true or false"), refusal(in -> in.put("enabled", "yes")));
    assertEquals(
        List.of("\"enabled\": must be true or false"), refusal(in -> in.remove("enabled")));
  }

  @Test
  void triStateTakesTrueFalseOrNull() {
    assertEquals(
        List.of("\"uploads\": must be true, false or null"), refusal(in -> in.put("uploads", 1)));
    assertTrue(accepted(in -> in.remove("uploads")).get("uploads").isNull());
    assertTrue(accepted(in -> in.put("uploads", true)).get("uploads").asBoolean());
  }

  // --- select, multiselect ---

  @Test
  void selectOutsideItsValuesIsRefused() {
    assertEquals(
        List.of("\"network\": must be one of: main, test"),
        refusal(in -> in.put("network", "regtest")));
    assertEquals(List.of("\"network\": required"), refusal(in -> in.remove("network")));
  }

  @Test
  void multiselectOutsideItsBoundsIsRefused() {
    assertEquals(
        List.of("\"features\": must have at least 1 entry"),
        refusal(in -> in.putArray("features")));
    assertEquals(
        List.of("\"features\": must have at most 2 entries"),
        refusal(in -> in.putArray("features").add("zmq").add("txindex").add("prune")));
  }

  @Test
  void multiselectWithAnUnknownOptionIsRefusedAtThatEntry() {
    assertEquals(
        List.of("\"features[1]\": must be one of: zmq, txindex, prune"),
        refusal(in -> in.putArray("features").add("zmq").add("bogus")));
    assertEquals(
        List.of("\"features\": must be a list of options"),
        refusal(in -> in.put("features", "zmq")));
  }

  @Test
  void multiselectLeftOutCountsAsNoneSelected() {
    assertEquals(
        List.of("\"features\": must have at least 1 entry"), refusal(in -> in.remove("features")));
  }

  // --- list of text ---

  @Test
  void textListEntryNotMatchingThePatternIsRefusedAtThatEntry() {
    assertEquals(
        List.of("\"peers[1]\": Must be a valid IPv4 address"),
        refusal(in -> in.putArray("peers").add("10.0.0.1").add("999.0.0.1")));
  }

  @Test
  void textListEntryMustNotBeEmpty() {
    assertEquals(List.of("\"peers[0]\": required"), refusal(in -> in.putArray("peers").add("")));
  }

  @Test
  void textListEntryOutsideItsLengthIsRefused() {
    assertEquals(
        List.of("\"peers[0]\": must be at least 7 characters"),
        refusal(in -> in.putArray("peers").add("1.1.1")));
  }

  @Test
  void textListLongerThanMaxLengthIsRefused() {
    assertEquals(
        List.of("\"peers\": must have at most 3 entries"),
        refusal(in ->
            in.putArray("peers").add("10.0.0.1").add("10.0.0.2").add("10.0.0.3").add("10.0.0.4")));
    assertEquals(List.of("\"peers\": must be a list"), refusal(in -> in.put("peers", "10.0.0.1")));
  }

  @Test
  void listLongerThanTheHostLimitIsRefusedWithoutCheckingEntries() {
    ArrayNode many = JSON.createArrayNode();
    for (int i = 0; i <= InputSpecValidator.MAX_LIST_LENGTH; i++) {
      many.add("not an address");
    }
    JsonNode spec =
        tree(
            "{\"l\":{\"type\":\"list\",\"spec\":{\"type\":\"text\",\"patterns\":[{\"regex\":\"\\\\d\"}]}}}");
    ObjectNode input = JSON.createObjectNode();
    input.set("l", many);
    assertEquals(List.of("\"l\": must have at most 10000 entries"), errors(spec, input));
  }

  // --- list of objects, uniqueBy ---

  @Test
  void objectListEntryFieldErrorsNameTheEntryAndField() {
    assertEquals(
        List.of("\"servers[1].host\": required", "\"servers[1].port\": must be at most 65535"),
        refusal(in -> {
          ObjectNode bad = server("x", 70000);
          bad.remove("host");
          in.putArray("servers").add(server("a.example", 1)).add(bad);
        }));
  }

  @Test
  void objectListDuplicateUnderUniqueByAllIsRefused() {
    assertEquals(
        List.of("\"servers[2]\": must be unique by Host and Port, but servers[0] has the same"),
        refusal(in ->
            in.putArray("servers")
                .add(server("a.example", 8333))
                .add(server("a.example", 18333))
                .add(server("a.example", 8333))));
  }

  @Test
  void objectListDuplicateUnderUniqueByAnyIsRefused() {
    assertEquals(
        List.of("\"admins[1]\": must be unique by User or Mail, but admins[0] has the same"),
        refusal(in -> {
          ArrayNode admins = in.putArray("admins");
          admins.addObject().put("user", "root").put("mail", "r@example.com");
          admins.addObject().put("user", "bob").put("mail", "r@example.com");
        }));
  }

  @Test
  void emptyOptionalFieldsDoNotMakeEntriesDuplicates() {
    accepted(in -> {
      ArrayNode admins = in.putArray("admins");
      admins.addObject().put("user", "root").putNull("mail");
      admins.addObject().put("user", "bob").putNull("mail");
    });
  }

  @Test
  void uniqueByNamingNoFieldNeverRefuses() {
    JsonNode spec =
        tree(
            "{\"l\":{\"type\":\"list\",\"spec\":{\"type\":\"object\",\"uniqueBy\":\"nope\","
                + "\"spec\":{\"a\":{\"type\":\"text\"}}}}}");
    accepted(spec, tree("{\"l\":[{\"a\":\"x\"},{\"a\":\"x\"}]}"));
  }

  @Test
  void objectListOutsideItsBoundsOrWithANonObjectIsRefused() {
    assertEquals(
        List.of("\"servers\": must have at least 1 entry"), refusal(in -> in.putArray("servers")));
    assertEquals(
        List.of("\"servers[0]\": must be an object"),
        refusal(in -> in.putArray("servers").add("a.example:8333")));
  }

  // --- object ---

  @Test
  void objectFieldErrorsNameTheNestedPath() {
    assertEquals(
        List.of("\"advanced.threads\": must be at least 1"),
        refusal(in -> ((ObjectNode) in.get("advanced")).put("threads", 0)));
  }

  @Test
  void objectLeftOutIsCheckedAsEmpty() {
    assertEquals(
        List.of("\"advanced.threads\": required", "\"advanced.verbose\": must be true or false"),
        refusal(in -> in.remove("advanced")));
    assertEquals(
        List.of("\"advanced\": must be an object"), refusal(in -> in.put("advanced", "fast")));
  }

  // --- union ---

  @Test
  void unionSelectionThatIsNoVariantIsRefused() {
    assertEquals(
        List.of("\"pruning.selection\": must be one of: disabled, automatic"),
        refusal(in -> ((ObjectNode) in.get("pruning")).put("selection", "manual")));
    assertEquals(
        List.of("\"pruning.selection\": required"),
        refusal(in -> ((ObjectNode) in.get("pruning")).remove("selection")));
  }

  @Test
  void unionValueIsCheckedAgainstTheSelectedVariant() {
    assertEquals(
        List.of("\"pruning.value.size\": must be at least 550"),
        refusal(in -> ((ObjectNode) in.get("pruning").get("value")).put("size", 100)));
    ObjectNode out =
        accepted(in -> {
          ObjectNode p = in.putObject("pruning").put("selection", "disabled");
          p.putObject("value").put("size", 100);
        });
    // the variant chosen has no fields; what else the value holds stays, as the SDK's parser keeps
    // it
    assertEquals(tree("{\"selection\":\"disabled\",\"value\":{\"size\":100}}"), out.get("pruning"));
  }

  @Test
  void unionOtherThatIsNotAnObjectIsRefused() {
    assertEquals(
        List.of("\"pruning.other\": must be an object"),
        refusal(in -> ((ObjectNode) in.get("pruning")).put("other", "x")));
  }

  @Test
  void unionThatIsNotAnObjectIsRefused() {
    assertEquals(
        List.of("\"pruning\": must be an object with \"selection\" and \"value\""),
        refusal(in -> in.put("pruning", "automatic")));
  }

  // --- file, hidden ---

  @Test
  void fileWithAnotherExtensionIsRefused() {
    assertEquals(
        List.of("\"certificate\": must be a .pem or .crt file"),
        refusal(in -> ((ObjectNode) in.get("certificate")).put("path", "upload/cert.txt")));
    assertTrue(accepted(in -> in.putNull("certificate")).get("certificate").isNull());
  }

  @Test
  void fileThatIsNoUploadIsRefused() {
    assertEquals(
        List.of("\"certificate\": must be an uploaded file {path, commitment: {hash, size}}"),
        refusal(in -> in.put("certificate", "/etc/shadow")));
  }

  @Test
  void hiddenFieldPassesAnyValueAndIsNullWhenLeftOut() {
    assertEquals(good().get("token"), accepted(in -> {}).get("token"));
    assertTrue(accepted(in -> in.remove("token")).get("token").isNull());
  }

  // --- the package's spec is untrusted ---

  @Test
  void malformedSpecIsRefusedNamingTheField() {
    InvalidInputSpecException e =
        assertThrows(
            InvalidInputSpecException.class,
            () ->
                InputSpecValidator.validate(
                    tree(
                        "{\"a\":{\"type\":\"object\",\"spec\":{\"b\":{\"type\":\"number\",\"min\":\"5\"}}}}"),
                    tree("{}")));
    assertEquals(ErrorKind.ACTION, e.kind());
    assertEquals(
        "the package's input form is invalid: field \"a.b\": \"min\" must be a number or null",
        e.getMessage());
  }

  @Test
  void specWithAnUnknownTypeOrNoObjectIsRefused() {
    assertEquals(
        "the package's input form is invalid: field \"a\": unknown type \"password\"",
        assertThrows(
                InvalidInputSpecException.class,
                () ->
                    InputSpecValidator.validate(
                        tree("{\"a\":{\"type\":\"password\"}}"), tree("{}")))
            .getMessage());
    assertEquals(
        "the package's input form is invalid: a form must be an object of fields",
        assertThrows(
                InvalidInputSpecException.class,
                () -> InputSpecValidator.validate(tree("[]"), tree("{}")))
            .getMessage());
  }

  @Test
  void patternThatIsNoRegularExpressionIsRefused() {
    assertEquals(
        "the package's input form is invalid: field \"a\": pattern \"[a-\" is not a regular"
            + " expression the host can run",
        assertThrows(
                InvalidInputSpecException.class,
                () ->
                    InputSpecValidator.validate(
                        tree(
                            "{\"a\":{\"type\":\"text\",\"patterns\":[{\"regex\":\"[a-\",\"description\":\"x\"}]}}"),
                        tree("{}")))
            .getMessage());
  }

  @Test
  @Timeout(120) // guards the suite against a hang; not a performance assertion
  void catastrophicallyBacktrackingPatternRefusesTheValueInsteadOfHanging() {
    JsonNode spec =
        tree(
            "{\"a\":{\"type\":\"text\",\"patterns\":[{\"regex\":\"(.*a){12}\",\"description\":\"a\"}]}}");
    assertEquals(
        List.of("\"a\": cannot be checked: the package's pattern is too complex for this value"),
        errors(spec, tree("{\"a\":\"" + "a".repeat(40) + "!\"}")));
    accepted(spec, tree("{\"a\":\"" + "a".repeat(40) + "\"}"));
  }

  @Test
  @Timeout(120) // guards the suite against a hang; not a performance assertion
  void manyBacktrackingFieldsShareOneBoundedBudget() {
    ObjectNode spec = JSON.createObjectNode();
    ObjectNode input = JSON.createObjectNode();
    for (int i = 0; i < 2000; i++) {
      spec.set(
          "f" + i,
          tree(
              "{\"type\":\"text\",\"patterns\":[{\"regex\":\"(.*a){12}\",\"description\":\"a\"}]}"));
      input.put("f" + i, "a".repeat(40) + "!");
    }
    List<String> errors = errors(spec, input);
    assertEquals(InputSpecValidator.MAX_ERRORS, errors.size());
    assertTrue(
        errors.stream().allMatch(e -> e.endsWith("too complex for this value")), errors::toString);
  }

  @Test
  void patternRecursingDeeperThanTheStackRefusesTheValue() {
    JsonNode spec =
        tree(
            "{\"a\":{\"type\":\"textarea\",\"patterns\":[{\"regex\":\"(a|b)*\",\"description\":\"ab\"}]}}");
    // Java's matcher recurses once per repetition of the group: 800,000 of them overflow any stack
    assertEquals(
        List.of("\"a\": cannot be checked: the package's pattern is too complex for this value"),
        errors(spec, tree("{\"a\":\"" + "ab".repeat(400_000) + "\"}")));
  }

  @Test
  void specNestedDeeperThanTheLimitIsRefusedWithoutOverflowingTheStack() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode form = root;
    for (int i = 0; i < 100_000; i++) {
      ObjectNode field = form.putObject("o").put("type", "object");
      form = field.putObject("spec");
    }
    InvalidInputSpecException e =
        assertThrows(
            InvalidInputSpecException.class, () -> InputSpecValidator.validate(root, tree("{}")));
    assertTrue(e.getMessage().endsWith("forms nest more than 32 deep"), e.getMessage());
  }

  @Test
  void specWithTooManyFieldsIsRefused() {
    ObjectNode spec = JSON.createObjectNode();
    for (int i = 0; i <= FormSpec.MAX_FIELDS; i++) {
      spec.putObject("f" + i).put("type", "toggle");
    }
    assertEquals(
        "the package's input form is invalid: it has more than 10000 fields",
        assertThrows(
                InvalidInputSpecException.class,
                () -> InputSpecValidator.validate(spec, tree("{}")))
            .getMessage());
  }

  @Test
  void uniqueByThatExpandsTooFarIsRefused() {
    List<String> anys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      anys.add("{\"any\":[\"a\",\"b\"]}");
    }
    JsonNode spec =
        tree(
            "{\"l\":{\"type\":\"list\",\"spec\":{\"type\":\"object\",\"uniqueBy\":{\"all\":["
                + String.join(",", anys)
                + "]},\"spec\":{\"a\":{\"type\":\"text\"},\"b\":{\"type\":\"text\"}}}}}");
    assertTrue(
        assertThrows(
                InvalidInputSpecException.class,
                () -> InputSpecValidator.validate(spec, tree("{}")))
            .getMessage()
            .endsWith("\"uniqueBy\" expands to more than 256 alternatives"));
  }

  @Test
  void hostileKeysAndNamesAreQuotedAndClippedInMessages() {
    ObjectNode spec = JSON.createObjectNode();
    spec.putObject("a \"key\"\nwith\u202etricks")
        .put("type", "select")
        .putObject("values")
        .put("x".repeat(500), "X");
    List<String> errors = errors(spec, tree("{}"));
    assertEquals(List.of("\"[\"a \\\"key\\\" with tricks\"]\": required"), errors);
    errors = errors(spec, tree("{\"a \\\"key\\\"\\nwith\\u202etricks\":\"y\"}"));
    assertTrue(errors.get(0).endsWith("x".repeat(FieldPath.MAX_TEXT) + "…"), errors.toString());
  }

  // --- what the host hands on, the SDK's own parser accepts ---

  @Test
  void everyInputTheHostAcceptsPassesTheSdksOwnParser(@TempDir Path tmp)
      throws IOException, InterruptedException {
    List<Consumer<ObjectNode>> changes =
        List.of(
            in -> {},
            in -> in.put("email", ""),
            in -> in.remove(List.of("email", "bio", "ratio", "birthday", "meeting", "uploads")),
            in -> in.remove(List.of("peers", "admins", "token", "certificate", "notAField")),
            in -> in.put("accent", "").put("port", 8333.0).putNull("certificate"),
            in -> in.putObject("pruning").put("selection", "disabled"),
            in -> in.put("ratio", 1.0).put("bio", ""),
            in -> ((ObjectNode) in.get("pruning")).putObject("other").putObject("disabled"),
            in -> in.putArray("admins").addObject().put("user", "x"),
            in -> ((ObjectNode) in.get("advanced")).put("extra", 1));
    ArrayNode outputs = JSON.createArrayNode();
    for (Consumer<ObjectNode> change : changes) {
      ObjectNode input = good();
      change.accept(input);
      outputs.add(accepted(spec(), input));
    }
    Path inputs = tmp.resolve("inputs.json");
    JSON.writeValue(inputs.toFile(), outputs);
    Process node =
        new ProcessBuilder("node", "input-spec-oracle.mjs", inputs.toString())
            .directory(sdkCompat().toFile())
            .redirectError(tmp.resolve("node.log").toFile())
            .start();
    JsonNode verdicts = JSON.readTree(node.getInputStream());
    assertEquals(0, node.waitFor(), () -> "node failed: " + read(tmp.resolve("node.log")));
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      if (!verdicts.get(i).get("ok").asBoolean()) {
        refused.add(outputs.get(i) + " -> " + verdicts.get(i).get("issues").asText());
      }
    }
    assertEquals(List.of(), refused);
  }

  private static Path sdkCompat() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("test-tools/sdk-compat");
      if (Files.isDirectory(candidate.resolve("node_modules/@start9labs/start-sdk"))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "test-tools/sdk-compat/node_modules is missing: scripts/setup-host.sh installs it");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  // --- JavaScript patterns in Java ---

  @Test
  void patternsDecideLikeJavaScriptInStartOsUi() {
    List<String> mismatches = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("patternCases")) {
      JsPattern p = JsPattern.compile(c.get("regex").asText());
      for (JsonNode sample : c.get("samples")) {
        boolean java = p.accepts(sample.get("value").asText(), new JsPattern.Budget(1_000_000));
        if (java != sample.get("accepts").asBoolean()) {
          mismatches.add(
              c.get("name").asText() + " on " + sample.get("value") + ": Java says " + java);
        }
      }
    }
    assertEquals(List.of(), mismatches);
  }
}
