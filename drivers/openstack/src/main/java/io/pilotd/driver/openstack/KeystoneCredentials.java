package io.pilotd.driver.openstack;

import io.pilotd.driver.api.DriverParameters;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How to get a Keystone v3 token: a user's password or an application credential, scoped to a
 * project (an application credential carries its own scope). Each setting comes from the queue's
 * parameters, else from the {@code clouds.yaml} cloud named by {@code cloud} (or {@code $OS_CLOUD}),
 * else from the {@code OS_*} variables the OpenStack client reads. Secrets come from files or the
 * environment, never from the config itself.
 */
record KeystoneCredentials(URI authUrl, Optional<String> region, String endpointInterface, String username,
                           String userDomain, String project, String projectDomain, String password,
                           String applicationCredentialId, String applicationCredentialSecret, String source) {
    private static final Set<String> INTERFACES = Set.of("public", "internal", "admin");

    boolean applicationCredential() {
        return !applicationCredentialId.isEmpty();
    }

    /** Where the settings came from and which method: for messages, never with a secret. */
    String describe() {
        return (applicationCredential() ? "application credential " + applicationCredentialId
                : "user " + username + " (domain " + userDomain + ") of project " + project)
                + " at " + authUrl + " (" + source + ")";
    }

    @Override
    public String toString() {
        return "KeystoneCredentials[" + describe() + "]";
    }

    static KeystoneCredentials from(DriverParameters p, Map<String, String> env, Path home, Path workDir) {
        Optional<String> cloudName = p.optionalString("cloud").or(() -> Optional.ofNullable(env.get("OS_CLOUD")));
        Optional<Path> cloudsFile = p.optionalString("cloudsFile").map(Path::of);
        CloudsYaml.Cloud cloud = null;
        if (cloudName.isPresent()) {
            try {
                cloud = CloudsYaml.find(cloudName.get(), cloudsFile, env, home, workDir);
            } catch (CloudsYaml.CloudsYamlException e) {
                p.problem("cloud", e.getMessage());
            }
        } else if (cloudsFile.isPresent()) {
            p.problem("cloudsFile", "only goes with cloud (the name of a cloud in it)");
        }
        Setting s = new Setting(p, cloud, env);
        String authUrl = s.get("authUrl", "auth.auth_url", "OS_AUTH_URL");
        Optional<String> region = Optional.of(s.get("region", "region_name", "OS_REGION_NAME")).filter(r -> !r.isEmpty());
        String face = s.get("interface", "interface", "OS_INTERFACE");
        face = face.isEmpty() ? "public" : face.replace("URL", "");
        if (!INTERFACES.contains(face)) {
            p.problem("interface", "must be public, internal or admin, not '" + face + "'");
        }
        String appId = s.get("applicationCredentialId", "auth.application_credential_id", "OS_APPLICATION_CREDENTIAL_ID");
        String appSecret = appId.isEmpty() ? ""
                : s.secret("applicationCredentialSecretFile", "auth.application_credential_secret",
                "OS_APPLICATION_CREDENTIAL_SECRET");
        String username = s.get("username", "auth.username", "OS_USERNAME");
        String userDomain = s.get("userDomain", "auth.user_domain_name", "OS_USER_DOMAIN_NAME");
        String project = s.get("project", "auth.project_name", "OS_PROJECT_NAME");
        String projectDomain = s.get("projectDomain", "auth.project_domain_name", "OS_PROJECT_DOMAIN_NAME");
        String password = "";
        if (appId.isEmpty()) {
            password = s.secret("passwordFile", "auth.password", "OS_PASSWORD");
            if (username.isEmpty()) {
                p.problem("username", "is required (or applicationCredentialId), here, in clouds.yaml or as OS_USERNAME");
            }
            if (project.isEmpty()) {
                p.problem("project", "is required with a password, here, in clouds.yaml or as OS_PROJECT_NAME");
            }
            userDomain = userDomain.isEmpty() ? "Default" : userDomain;
            projectDomain = projectDomain.isEmpty() ? userDomain : projectDomain;
        } else if (p.optionalString("passwordFile").isPresent()) {
            p.problem("passwordFile", "goes with a username, not with an application credential");
        }
        URI url = null;
        if (authUrl.isEmpty()) {
            p.problem("authUrl", "is required, here, in clouds.yaml (auth.auth_url) or as OS_AUTH_URL");
        } else {
            try {
                url = URI.create(authUrl.replaceAll("/+$", ""));
                if (url.getScheme() == null || url.getHost() == null) {
                    p.problem("authUrl", "'" + authUrl + "' is not an absolute URL (e.g. https://keystone.example.org:5000/v3)");
                } else if (!url.getPath().endsWith("/v3")) {
                    url = URI.create(url + "/v3");
                }
            } catch (IllegalArgumentException e) {
                p.problem("authUrl", "'" + authUrl + "' is not a URL: " + e.getMessage());
            }
        }
        String source = cloud == null ? "queue parameters and OS_* variables"
                : "cloud '" + cloud.name() + "' of " + cloud.file();
        return new KeystoneCredentials(url == null ? URI.create("http://invalid/v3") : url, region, face, username,
                userDomain, project, projectDomain, password, appId, appSecret, source);
    }

    /** One setting: the parameter, else the clouds.yaml key, else the variable. */
    private record Setting(DriverParameters p, CloudsYaml.Cloud cloud, Map<String, String> env) {
        String get(String parameter, String cloudsKey, String variable) {
            return p.optionalString(parameter)
                    .or(() -> cloud == null ? Optional.empty() : cloud.get(cloudsKey))
                    .or(() -> Optional.ofNullable(env.get(variable)).filter(v -> !v.isBlank()))
                    .orElse("");
        }

        /** A secret: a file named by the parameter, else clouds.yaml (or its secure.yaml), else the variable. */
        String secret(String fileParameter, String cloudsKey, String variable) {
            Optional<String> file = p.optionalSecretFile(fileParameter);
            if (file.isPresent()) {
                return file.get();
            }
            Optional<String> inClouds = cloud == null ? Optional.empty() : cloud.get(cloudsKey);
            if (inClouds.isPresent()) {
                return inClouds.get();
            }
            String value = env.getOrDefault(variable, "");
            if (value.isBlank()) {
                p.problem(fileParameter, "is required: a file holding it, " + cloudsKey + " in clouds.yaml or secure.yaml,"
                        + " or " + variable);
            }
            return value;
        }
    }
}
