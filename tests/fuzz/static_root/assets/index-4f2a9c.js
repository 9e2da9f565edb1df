console.log("samen");
