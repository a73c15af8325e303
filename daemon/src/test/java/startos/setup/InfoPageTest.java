package startos.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import startos.model.Database;
import startos.patchdb.PatchDb;
import startos.rpc.Caller;
import startos.ssl.LocalCa;

class InfoPageTest {
  @Test
  void thePageNamesTheLanAddressAndCarriesTheRootCaAsADownload() {
    String pem = LocalCa.create("brave-otter", Instant.now()).rootCertPem();
    String html = InfoPage.render("brave-otter", pem);

    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html)
        .contains("<a href=\"https://brave-otter.local\">https://brave-otter.local</a>");
    assertThat(html).contains("download=\"brave-otter.crt\"");
    assertThat(html).contains("-----BEGIN CERTIFICATE-----").doesNotContain("<script");
    Matcher dataUrl =
        Pattern.compile("href=\"data:application/x-x509-ca-cert;base64,([A-Za-z0-9+/=]+)\"")
            .matcher(html);
    assertThat(dataUrl.find()).isTrue();
    assertThat(new String(Base64.getDecoder().decode(dataUrl.group(1)), StandardCharsets.UTF_8))
        .isEqualTo(pem);
  }

  @Test
  void thePageExistsOnlyOnceSetupHasRun() {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    assertThat(InfoPage.render(new Database(db))).isEmpty();
    new SetupApi(new Database(db))
        .execute(
            InitialDb.JSON
                .createObjectNode()
                .put("password", "a long enough password")
                .put("hostname", "calm-heron"),
            Caller.anonymousLoopback());
    assertThat(InfoPage.render(new Database(db)))
        .hasValueSatisfying(h -> assertThat(h).contains("calm-heron"));
  }
}
